import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import real from "./fixture.json";
import GeoDesignResultView from "./ResultView";

/** `cfap analyze geo_design --json` on a 10-geo × 60-day panel (sizes 1 and 2, top 3 each). */
const envelope = real as unknown as ResultEnvelope;

describe("geo_design ResultView (real model output)", () => {
  it("ranks the market sets with power, MDE and fit", () => {
    render(<GeoDesignResultView envelope={envelope} />);
    const table = screen.getByRole("table", { name: /ranked by power/ });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(7);
    expect(rows[1]).toHaveTextContent("geo4, geo8");
    expect(screen.getByRole("figure", { name: /Simulated power by effect size/ })).toBeInTheDocument();
    expect(within(screen.getByTestId("geo-design-diagnostics")).getByText("Simulations")).toBeInTheDocument();
  });

  it("shows 'no feasible market set' as a result", () => {
    const none = {
      ...envelope,
      estimates: [],
      diagnostics: { feasible: false, reason: "every candidate set is over the budget of 10", ranked: [] },
    } as unknown as ResultEnvelope;
    render(<GeoDesignResultView envelope={none} />);
    expect(screen.getByTestId("infeasible")).toHaveTextContent(
      "No feasible market set: every candidate set is over the budget of 10.",
    );
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("skips malformed rows", () => {
    const bad = {
      ...envelope,
      diagnostics: { ranked: [{ markets: "x" }, null] },
    } as unknown as ResultEnvelope;
    render(<GeoDesignResultView envelope={bad} />);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.queryByRole("figure")).not.toBeInTheDocument();
  });
});
