/**
 * DuckDB's column statistics as `stats(column)` prints them, e.g.
 * "[Min: 0, Max: 1][Has Null: false, Has No Null: true][Approx Unique: 2]": what the one-pass 2×2
 * probe reads instead of scanning.
 */

/**
 * The [min, max] bounds in a DuckDB `stats()` string ("[Min: 0, Max: 1][Has Null: false, …]"),
 * or null when the text has none. Statistics bounds may be wider than the data, never narrower,
 * so bounds within [0, 1] prove every value is; anything else asks for the exact ranges.
 */
export function statsBounds(text: unknown): [number, number] | null {
  const m = typeof text === "string" ? /\[Min: ([^,\]]+), Max: ([^\]]+)\]/.exec(text) : null;
  if (!m) return null;
  const value = (v: string) => (v === "true" ? 1 : v === "false" ? 0 : Number(v));
  const [lo, hi] = [value(m[1].trim()), value(m[2].trim())];
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/** The "Approx Unique" count in a DuckDB `stats()` string, or null when the text has none. */
export function statsApproxUnique(text: unknown): number | null {
  const m = typeof text === "string" ? /\[Approx Unique: (\d+)\]/.exec(text) : null;
  return m ? Number(m[1]) : null;
}
