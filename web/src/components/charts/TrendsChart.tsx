import type { TrendPoint } from "../../core/diagnostics";
import { treatmentStartMarker } from "./markers";
import { SeriesWithBandChart } from "./SeriesWithBandChart";

/** Treated vs control outcome over time (DiD's parallel-trends picture). */
export function TrendsChart({
  points,
  treatmentStart,
}: {
  points: TrendPoint[];
  /** The period label where treatment starts: drawn as a vertical line when it is on the axis. */
  treatmentStart?: string | number | null;
}) {
  return (
    <SeriesWithBandChart
      label="Treated and control group outcome by period"
      caption="Before treatment the two lines should move roughly in parallel; that is what the difference-in-differences design assumes."
      x={points.map((p) => p.period)}
      series={[
        { name: "Treated", color: "#d64525", values: points.map((p) => p.treated) },
        { name: "Control", color: "#2557d6", values: points.map((p) => p.control) },
      ]}
      xMarker={treatmentStartMarker(treatmentStart, "treatment starts")}
      legend
      smooth
    />
  );
}
