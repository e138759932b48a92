import type { Marker } from "./SeriesWithBandChart";
import type { XValue } from "./seriesRows";

/**
 * The dashed grey line at the period where treatment starts. The main chart labels it; charts drawn under
 * it on the same axis repeat the line bare, so the label is read once.
 */
export function treatmentStartMarker(at: XValue | null | undefined, label?: string): Marker | null {
  return at === null || at === undefined ? null : { at, color: "#9ca3af", dashed: true, label };
}

/** The zero line of a gap or effect chart (no effect). */
export const ZERO_LINE: Marker = { at: 0, color: "#6b7280" };
