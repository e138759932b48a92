import { describe, expect, it } from "vitest";
import { channelOf } from "../../../src/ingestion/channel";
import { trafficSource } from "../../../src/ingestion/traffic-source";

describe("trafficSource", () => {
  it("prefers UTM tags, lower-cased", () => {
    expect(
      trafficSource({
        utm_source: "Google",
        utm_medium: "CPC",
        utm_campaign: "Brand",
        referrer: "https://bing.com",
      }),
    ).toEqual({
      source: "google",
      medium: "cpc",
      campaign: "Brand",
    });
  });
  it("reads ad click ids from the landing page", () => {
    expect(trafficSource({ page_url: "https://shop.example.com/?gclid=abc" })).toMatchObject({
      source: "google",
      medium: "cpc",
    });
    expect(trafficSource({ page_url: "https://shop.example.com/?x=1&msclkid=abc" })).toMatchObject({
      source: "bing",
      medium: "cpc",
    });
  });
  it("classifies referrers: search, social, other sites, own site", () => {
    expect(trafficSource({ referrer: "https://www.google.co.uk/search?q=x" })).toMatchObject({
      source: "google",
      medium: "organic",
    });
    expect(trafficSource({ referrer: "https://t.co/abc" })).toMatchObject({
      source: "twitter",
      medium: "social",
    });
    expect(trafficSource({ referrer: "https://blog.example.org/post" })).toMatchObject({
      source: "blog.example.org",
      medium: "referral",
    });
    expect(
      trafficSource({ referrer: "https://shop.example.com/a", page_url: "https://shop.example.com/b" }),
    ).toMatchObject({
      source: "(direct)",
      medium: "(none)",
    });
  });
  it("is direct with nothing to go on", () => {
    expect(trafficSource({})).toEqual({ source: "(direct)", medium: "(none)", campaign: null });
  });
});

describe("channelOf (default channel grouping)", () => {
  const ch = (source: string, medium: string, campaign: string | null = null) =>
    channelOf({ source, medium, campaign });
  it.each([
    ["(direct)", "(none)", null, "Direct"],
    ["google", "cpc", null, "Paid Search"],
    ["bing", "ppc", null, "Paid Search"],
    ["facebook", "paid_social", null, "Paid Social"],
    ["instagram", "cpc", null, "Paid Social"],
    ["youtube", "cpv", null, "Paid Video"],
    ["dv360", "display", null, "Display"],
    ["amazon", "cpc", null, "Paid Shopping"],
    ["partner", "cpc", "summer-shopping", "Paid Shopping"],
    ["google", "cpc", "cross-network-pmax", "Cross-network"],
    ["taboola", "paid", null, "Paid Other"],
    ["google", "organic", null, "Organic Search"],
    ["duckduckgo", "referral", null, "Organic Search"],
    ["facebook", "social", null, "Organic Social"],
    ["linkedin", "referral", null, "Organic Social"],
    ["youtube", "referral", null, "Organic Video"],
    ["newsletter", "email", null, "Email"],
    ["partnerx", "affiliate", null, "Affiliates"],
    ["blog.example.org", "referral", null, "Referral"],
    ["sms", "text", null, "SMS"],
    ["app", "push", null, "Mobile Push Notifications"],
    ["podcast", "audio", null, "Audio"],
    ["mystery", "weird", null, "Unassigned"],
  ])("%s / %s / %s → %s", (s, m, c, want) => expect(ch(s, m, c)).toBe(want));
});
