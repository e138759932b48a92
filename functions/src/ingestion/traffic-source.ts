/**
 * Source / medium / campaign of an event, from (in order of precedence) its UTM tags, ad-click ids in the
 * page URL, and the referrer — the same precedence web analytics tools use. No referrer and no tags is
 * "(direct) / (none)". A referrer from the site's own host is internal navigation, also direct.
 */
export interface TrafficSource {
  source: string;
  medium: string;
  campaign: string | null;
}

export interface TrafficInput {
  page_url?: string | null;
  referrer?: string | null;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
}

/** Search engines by registrable-domain label → canonical source name. */
const SEARCH_ENGINES: Record<string, string> = {
  google: "google",
  bing: "bing",
  yahoo: "yahoo",
  duckduckgo: "duckduckgo",
  baidu: "baidu",
  yandex: "yandex",
  ecosia: "ecosia",
  naver: "naver",
  seznam: "seznam",
  qwant: "qwant",
  startpage: "startpage",
  brave: "brave",
};

const SOCIAL_SITES: Record<string, string> = {
  facebook: "facebook",
  fb: "facebook",
  instagram: "instagram",
  t: "twitter", // t.co
  twitter: "twitter",
  x: "twitter",
  linkedin: "linkedin",
  lnkd: "linkedin",
  pinterest: "pinterest",
  reddit: "reddit",
  tiktok: "tiktok",
  snapchat: "snapchat",
  threads: "threads",
  quora: "quora",
};

const CLICK_IDS: Array<[string, TrafficSource]> = [
  ["gclid", { source: "google", medium: "cpc", campaign: null }],
  ["gbraid", { source: "google", medium: "cpc", campaign: null }],
  ["wbraid", { source: "google", medium: "cpc", campaign: null }],
  ["dclid", { source: "google", medium: "display", campaign: null }],
  ["msclkid", { source: "bing", medium: "cpc", campaign: null }],
  ["fbclid", { source: "facebook", medium: "paid_social", campaign: null }],
  ["ttclid", { source: "tiktok", medium: "paid_social", campaign: null }],
  ["li_fat_id", { source: "linkedin", medium: "paid_social", campaign: null }],
];

export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]*@)?([^/?#:]+)/i.exec(url.trim());
  return match ? match[2].toLowerCase().replace(/^www\./, "") : null;
}

/** The label before the public suffix, e.g. "google" for news.google.co.uk (good enough for known sites). */
function siteLabel(host: string): string {
  const parts = host.split(".");
  if (parts.length <= 1) return host;
  const secondLevel = new Set(["co", "com", "net", "org", "gov", "ac", "edu"]);
  const idx =
    parts.length >= 3 && secondLevel.has(parts[parts.length - 2]) ? parts.length - 3 : parts.length - 2;
  return parts[idx];
}

export function knownSearchEngine(host: string): string | undefined {
  return SEARCH_ENGINES[siteLabel(host)];
}

export function knownSocialSite(host: string): string | undefined {
  if (host === "t.co") return "twitter";
  if (host === "lnkd.in") return "linkedin";
  return SOCIAL_SITES[siteLabel(host)];
}

function queryParam(url: string, name: string): boolean {
  const q = url.indexOf("?");
  if (q < 0) return false;
  const query = url.slice(q + 1).split("#")[0];
  return query.split("&").some((kv) => kv === name || kv.startsWith(`${name}=`));
}

const clean = (s: string | null | undefined) => {
  const t = s?.trim().toLowerCase();
  return t ? t : null;
};

export function trafficSource(input: TrafficInput): TrafficSource {
  const utmSource = clean(input.utm_source);
  const utmMedium = clean(input.utm_medium);
  const campaign = input.utm_campaign?.trim() || null;
  if (utmSource || utmMedium) {
    return { source: utmSource ?? "(not set)", medium: utmMedium ?? "(not set)", campaign };
  }
  if (input.page_url && input.page_url.includes("?")) {
    for (const [param, src] of CLICK_IDS) {
      if (queryParam(input.page_url, param)) return { ...src, campaign };
    }
  }
  const refHost = hostOf(input.referrer);
  const pageHost = hostOf(input.page_url);
  if (refHost && refHost !== pageHost) {
    const engine = knownSearchEngine(refHost);
    if (engine) return { source: engine, medium: "organic", campaign };
    const social = knownSocialSite(refHost);
    if (social) return { source: social, medium: "social", campaign };
    return { source: refHost, medium: "referral", campaign };
  }
  return { source: "(direct)", medium: "(none)", campaign };
}
