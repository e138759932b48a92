import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import real from "./fixture.json";
import SynthResultView from "./ResultView";

/** `cfap analyze synth --json` on the Proposition 99 panel (outcome-only, placebo inference). */
const envelope = real as unknown as ResultEnvelope;

describe("synth ResultView (real model output)", () => {
  it("states the method, inference, placebo rank and optimiser status", () => {
    render(<SynthResultView envelope={envelope} />);
    const view = screen.getByTestId("synth-diagnostics");
    expect(within(view).getByText("outcome-only")).toBeInTheDocument();
    expect(within(view).getByText("placebo-in-space (RMSPE ratio)")).toBeInTheDocument();
    expect(within(view).getByText("3 of 39")).toBeInTheDocument();
    expect(within(view).getByText(/^converged \(KKT residual/)).toBeInTheDocument();
  });

  it("draws the series, the gap, the donor weights and the placebo spaghetti", () => {
    render(<SynthResultView envelope={envelope} />);
    expect(
      screen.getByRole("figure", { name: "Treated and synthetic control outcome by period" }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("figure", { name: "Gap between treated and synthetic control by period" }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("figure", { name: "Gaps of the treated unit and of every placebo" }),
    ).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Donor weights" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(7);
    expect(rows[1]).toHaveTextContent("Utah");
    expect(screen.getByText("32 other donor(s) have weight 0.")).toBeInTheDocument();
  });

  it("renders nothing it cannot read", () => {
    const bare = {
      ...envelope,
      diagnostics: { weights: "nope", series: [1, 2], placebo: null },
    } as unknown as ResultEnvelope;
    render(<SynthResultView envelope={bare} />);
    expect(screen.queryByRole("figure")).not.toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});
