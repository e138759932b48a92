import type { EventStudyCoefficient } from "../../core/diagnostics";
import { SeriesWithBandChart } from "./SeriesWithBandChart";

/** Event-study coefficients by period relative to treatment, with their interval as a band. */
export function EventStudyChart({
  coefficients,
  confidence,
}: {
  coefficients: EventStudyCoefficient[];
  confidence: string;
}) {
  return (
    <SeriesWithBandChart
      label={`Event-study coefficients with ${confidence} intervals by period relative to treatment`}
      caption="Periods before 0 test for pre-trends (they should be near zero); period 0 onwards shows how the effect unfolds."
      x={coefficients.map((c) => c.relative_period)}
      xAxis="integer"
      series={[
        { name: "Estimate", color: "#2557d6", values: coefficients.map((c) => c.estimate), dots: true },
      ]}
      band={{
        name: `${confidence} CI`,
        color: "#2557d6",
        opacity: 0.15,
        low: coefficients.map((c) => c.ci_low),
        high: coefficients.map((c) => c.ci_high),
      }}
      yMarker={{ at: 0, color: "#6b7280", dashed: true }}
      // Treatment starts between period -1 and period 0.
      xMarker={{ at: -0.5, color: "#9ca3af", label: "treatment", labelPosition: "insideTopRight" }}
    />
  );
}
