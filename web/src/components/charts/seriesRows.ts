/**
 * Turns the column-wise inputs of SeriesWithBandChart (one x array, one value array per series, a band's
 * low/high arrays) into the row-per-x objects recharts draws from.
 */

export type XValue = string | number;

/** A band point is drawn only where both ends are known; recharts draws an `[low, high]` value as a range. */
export type BandValue = [number, number] | null;

export interface SeriesRow {
  // Not `x`: recharts copies row fields that are SVG attribute names onto the dots it draws.
  xValue: XValue;
  band: BandValue;
  [seriesKey: `s${number}`]: number | null;
}

/** The row key of the i-th series: an index, so names with dots or spaces are never read as paths. */
export const seriesKey = (i: number): `s${number}` => `s${i}`;

export function bandAt(
  low: readonly (number | null)[] | undefined,
  high: readonly (number | null)[] | undefined,
  i: number,
): BandValue {
  const lo = low?.[i] ?? null;
  const hi = high?.[i] ?? null;
  return lo !== null && hi !== null ? [lo, hi] : null;
}

export function seriesRows(
  x: readonly XValue[],
  series: readonly { values: readonly (number | null)[] }[],
  band?: { low: readonly (number | null)[]; high: readonly (number | null)[] } | null,
): SeriesRow[] {
  return x.map((xi, i) => {
    const row: SeriesRow = { xValue: xi, band: bandAt(band?.low, band?.high, i) };
    series.forEach((s, k) => {
      row[seriesKey(k)] = s.values[i] ?? null;
    });
    return row;
  });
}
