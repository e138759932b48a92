import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import real from "../../test/fixtures/did-result.json";
import DidResultView from "./ResultView";

/** A result exactly as the did model wrote it on the seeded demo data (events source, event study 3/3). */
const envelope = real as ResultEnvelope;

describe("did ResultView (real model output)", () => {
  it("states the design facts", () => {
    render(<DidResultView envelope={envelope} />);
    const view = screen.getByTestId("did-diagnostics");
    expect(within(view).getByText("two-way fixed effects (TWFE)")).toBeInTheDocument();
    expect(within(view).getByText("CR1 clustered by unit")).toBeInTheDocument();
    expect(within(view).getByText("DiD of cell means").nextSibling).toHaveTextContent("5.8");
  });

  it("draws the trends from treated_mean / control_mean and the cell means table", () => {
    render(<DidResultView envelope={envelope} />);
    expect(
      screen.getByRole("figure", { name: "Treated and control group outcome by period" }),
    ).toBeInTheDocument();
    const table = screen.getByRole("table", { name: /Mean outcome of treated and control/ });
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Treated43.653.59.9");
    expect(rows[2]).toHaveTextContent("Control36.640.74.1");
  });

  it("reads the event study from the lead/lag estimates and the F form of the pre-trend test", () => {
    render(<DidResultView envelope={envelope} />);
    expect(screen.getByTestId("pretrend")).toHaveTextContent(
      "Pre-trend test (F(2, 19) = 0.87, p = 0.436). No evidence that the groups were diverging before treatment.",
    );
    expect(
      screen.getByRole("figure", { name: /Event-study coefficients with 95% intervals/ }),
    ).toBeInTheDocument();
  });

  it("keeps every other diagnostic one click away", () => {
    render(<DidResultView envelope={envelope} />);
    const more = screen.getByText("All diagnostics").closest("details")!;
    expect(within(more).getByText("Fixed effects")).toBeInTheDocument();
    expect(within(more).getByText("Se")).toBeInTheDocument();
    expect(within(more).queryByText("Parallel trends")).not.toBeInTheDocument();
  });
});
