/**
 * Canonical event names: snake_case, ASCII, with common synonyms folded onto one name so that
 * "Order Completed" (Segment), "purchase" (GA4) and "checkout_completed" count as the same thing.
 */
const SYNONYMS: Record<string, string> = {
  pageview: "page_view",
  page: "page_view",
  page_viewed: "page_view",
  screen: "screen_view",
  screen_viewed: "screen_view",
  order_completed: "purchase",
  checkout_completed: "purchase",
  transaction: "purchase",
  completed_purchase: "purchase",
  signup: "sign_up",
  signed_up: "sign_up",
  user_signed_up: "sign_up",
  product_added: "add_to_cart",
  added_to_cart: "add_to_cart",
  checkout_started: "begin_checkout",
  login: "login",
  logged_in: "login",
};

const cache = new Map<string, string>();

export function canonicalEventName(raw: string): string {
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  const snake = raw
    .trim()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const name = SYNONYMS[snake] ?? snake;
  if (cache.size < 10_000) cache.set(raw, name);
  return name;
}
