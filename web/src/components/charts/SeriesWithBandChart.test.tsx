import { render, within } from "@testing-library/react";
import { cloneElement, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import { treatmentStartMarker, ZERO_LINE } from "./markers";
import { SeriesWithBandChart, type SeriesWithBandChartProps } from "./SeriesWithBandChart";
import { seriesRows } from "./seriesRows";

// jsdom has no layout, so ResponsiveContainer would measure 0×0 and draw nothing: give the chart a size.
vi.mock("recharts", async (importOriginal) => {
  const real = await importOriginal<typeof import("recharts")>();
  return {
    ...real,
    ResponsiveContainer: ({ children, height }: { children: ReactElement; height: number }) =>
      cloneElement(children as ReactElement<{ width: number; height: number }>, { width: 600, height }),
  };
});

const base: SeriesWithBandChartProps = {
  label: "Outcome by period",
  x: ["2024-01", "2024-02", "2024-03", "2024-04"],
  series: [
    { name: "Treated", color: "#d64525", values: [1, 2, 3, 4] },
    { name: "Synthetic", color: "#2557d6", values: [1, 2, null, 3], dash: "6 3" },
  ],
};

function draw(props: Partial<SeriesWithBandChartProps> = {}) {
  const { container } = render(<SeriesWithBandChart {...base} {...props} />);
  return {
    figure: within(container).getByRole("figure", { name: props.label ?? base.label }),
    lines: [...container.querySelectorAll("path.recharts-line-curve")],
    band: container.querySelector(".recharts-area-area"),
    referenceLines: container.querySelectorAll(".recharts-reference-line-line"),
  };
}

describe("SeriesWithBandChart", () => {
  it("draws one line per series in its colour and dash, with the band and both reference lines", () => {
    const { figure, lines, band, referenceLines } = draw({
      band: { name: "Band", color: "#9ca3af", opacity: 0.3, low: [0, 1, null, 2], high: [2, 3, 4, 5] },
      xMarker: treatmentStartMarker("2024-03", "treatment starts"),
      yMarker: ZERO_LINE,
      caption: "What the lines mean.",
      legend: true,
    });
    expect(lines.map((l) => l.getAttribute("stroke"))).toEqual(["#d64525", "#2557d6"]);
    expect(lines[1]).toHaveAttribute("stroke-dasharray", "6 3");
    expect(band).toHaveAttribute("fill", "#9ca3af");
    expect(referenceLines).toHaveLength(2);
    expect(figure).toHaveTextContent("treatment starts");
    expect(figure).toHaveTextContent("Treated");
    expect(within(figure).getByText("What the lines mean.")).toHaveClass("muted", "small");
  });

  it("leaves out what it is not given, or cannot place", () => {
    expect(draw().referenceLines).toHaveLength(0);
    // A period that is not on the category axis has nowhere to go.
    expect(
      draw({ xMarker: treatmentStartMarker("1999-01", "treatment starts") }).referenceLines,
    ).toHaveLength(0);
    expect(draw({ xMarker: treatmentStartMarker(null) }).referenceLines).toHaveLength(0);
    // A band with no complete point is not drawn at all.
    const { band, figure } = draw({
      band: {
        name: "Band",
        color: "#9ca3af",
        opacity: 0.3,
        low: [null, null, null, null],
        high: [1, 2, 3, 4],
      },
    });
    expect(band).toBeNull();
    expect(figure.querySelector("figcaption")).toBeNull();
  });

  it("draws a marker between points on a numeric axis", () => {
    const { referenceLines } = draw({
      x: [-2, -1, 0, 1],
      xAxis: "integer",
      xMarker: { at: -0.5, color: "#9ca3af", label: "treatment" },
    });
    expect(referenceLines).toHaveLength(1);
  });

  it("does not crash on empty data", () => {
    const { figure, lines } = draw({ x: [], series: [], band: null });
    expect(figure).toBeInTheDocument();
    expect(lines).toHaveLength(0);
  });
});

describe("seriesRows", () => {
  it("aligns values and band ends by x, with null where a value or an end is missing", () => {
    expect(
      seriesRows(["a", "b"], [{ values: [1] }, { values: [null, 2] }], { low: [0, null], high: [2, 3] }),
    ).toEqual([
      { xValue: "a", band: [0, 2], s0: 1, s1: null },
      { xValue: "b", band: null, s0: null, s1: 2 },
    ]);
  });
});
