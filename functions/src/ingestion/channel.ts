import { knownSearchEngine, knownSocialSite, type TrafficSource } from "./traffic-source";

/**
 * Marketing channel from source / medium / campaign, in the spirit of GA4's default channel grouping:
 * rules are evaluated in order and the first match wins. Names follow GA4 so reports line up.
 */
export const CHANNELS = [
  "Direct",
  "Cross-network",
  "Paid Shopping",
  "Paid Search",
  "Paid Social",
  "Paid Video",
  "Display",
  "Paid Other",
  "Organic Shopping",
  "Organic Social",
  "Organic Video",
  "Organic Search",
  "Email",
  "Affiliates",
  "Referral",
  "Audio",
  "SMS",
  "Mobile Push Notifications",
  "Unassigned",
] as const;
export type Channel = (typeof CHANNELS)[number];

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const SHOPPING_SITES = /^(amazon|ebay|etsy|shopify|walmart|alibaba|mercadolibre|shopping)$/;
const VIDEO_SITES = /^(youtube|vimeo|twitch|dailymotion|tiktok)$/;

function isSocial(source: string): boolean {
  return knownSocialSite(source) !== undefined || knownSocialSite(`${source}.com`) !== undefined;
}
function isSearch(source: string): boolean {
  return knownSearchEngine(source) !== undefined || knownSearchEngine(`${source}.com`) !== undefined;
}
function label(source: string): string {
  const parts = source.split(".");
  return parts.length > 1 ? parts[parts.length - 2] : source;
}

export function channelOf(t: TrafficSource): Channel {
  const source = t.source.toLowerCase();
  const medium = t.medium.toLowerCase();
  const campaign = (t.campaign ?? "").toLowerCase();
  const site = label(source);

  if (source === "(direct)" && (medium === "(none)" || medium === "(not set)")) return "Direct";
  if (campaign.includes("cross-network")) return "Cross-network";
  const paid = PAID_MEDIUM.test(medium);
  if ((SHOPPING_SITES.test(site) || SHOPPING_CAMPAIGN.test(campaign)) && paid) return "Paid Shopping";
  if (isSearch(source) && paid) return "Paid Search";
  if ((isSocial(source) && paid) || medium === "paid_social" || medium === "paidsocial") return "Paid Social";
  if (VIDEO_SITES.test(site) && paid) return "Paid Video";
  if (["display", "banner", "expandable", "interstitial", "cpm"].includes(medium)) return "Display";
  if (paid) return "Paid Other";
  if (SHOPPING_SITES.test(site) || SHOPPING_CAMPAIGN.test(campaign)) return "Organic Shopping";
  if (
    isSocial(source) ||
    ["social", "social-network", "social-media", "sm", "social network", "social media"].includes(medium)
  ) {
    return VIDEO_SITES.test(site) && medium !== "social" ? "Organic Video" : "Organic Social";
  }
  if (VIDEO_SITES.test(site) || medium.includes("video")) return "Organic Video";
  if (isSearch(source) || medium === "organic") return "Organic Search";
  if (
    /^(email|e-mail|e_mail|e mail|newsletter)$/.test(source) ||
    /^(email|e-mail|e_mail|e mail|newsletter)$/.test(medium)
  ) {
    return "Email";
  }
  if (medium === "affiliate" || medium === "affiliates") return "Affiliates";
  if (["referral", "app", "link"].includes(medium)) return "Referral";
  if (medium === "audio") return "Audio";
  if (source === "sms" || medium === "sms") return "SMS";
  if (
    medium.endsWith("push") ||
    medium.includes("mobile") ||
    medium.includes("notification") ||
    source === "firebase"
  ) {
    return "Mobile Push Notifications";
  }
  return "Unassigned";
}
