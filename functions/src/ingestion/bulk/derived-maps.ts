import { channelOf } from "../channel";
import { canonicalEventName } from "../event-name";
import { trafficSource } from "../traffic-source";

/**
 * The derived fields of a row, computed with the very functions normalise.ts uses, once per distinct
 * input instead of once per row: a file has few distinct event names and traffic sources.
 */
export function eventNameRows(raws: readonly string[]): Array<[string, string]> {
  return raws.map((raw) => [raw, canonicalEventName(raw)]);
}

/** The inputs trafficSource() reads. page_url and referrer are null when a UTM tag decides alone. */
export interface TrafficKey {
  page_url: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}

export function trafficRows(keys: readonly TrafficKey[]): Array<Array<string | null>> {
  return keys.map((k) => {
    const t = trafficSource(k);
    return [
      k.page_url,
      k.referrer,
      k.utm_source,
      k.utm_medium,
      k.utm_campaign,
      t.source,
      t.medium,
      t.campaign,
      channelOf(t),
    ];
  });
}
