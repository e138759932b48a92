import type { ResultEnvelope } from "@cfap/contracts";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import * as csv from "../../core/csv";
import real from "./fixture.json";
import AttributionResultView from "./ResultView";
import { pivot, pivotCsv } from "./shape";

/**
 * A result exactly as `cfap analyze attribution --json` wrote it for functions/test/fixtures/attribution/hand.csv
 * (a > b: 2 conv, value 20, 1 null; b: 1, 5, 2; a > c > a: 1, 10, 0; c: 0, 0, 3), all eight models.
 */
const envelope = real as unknown as ResultEnvelope;

describe("attribution ResultView (real model output)", () => {
  it("draws channels × models side by side and states that the totals reconcile", () => {
    render(<AttributionResultView envelope={envelope} />);
    const view = screen.getByTestId("attribution-view");
    expect(
      within(view).getByRole("figure", { name: "Attributed conversions by channel and model" }),
    ).toBeInTheDocument();
    expect(screen.getByTestId("reconciliation")).toHaveTextContent(
      "4 conversions worth 35 attributed by 8 models across 3 channels. Every model's channel totals add up to these totals.",
    );
    const table = within(view).getByRole("table", { name: /Attributed conversions by channel/ });
    const rows = within(table).getAllByRole("row");
    expect(rows[0]).toHaveTextContent(
      /ChannelFirst touchLast touchLinearTime decayPosition-basedMarkovShapleyOrdered Shapley/,
    );
    // b: first 1, last 3, linear 2, …, Markov 2, Shapley 2
    expect(
      within(rows[2])
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["1", "3", "2", "2.15", "2", "2", "2", "2"]);
  });

  it("switches to value and exports the pivot as CSV", () => {
    const spy = vi.spyOn(csv, "downloadText").mockImplementation(() => undefined);
    render(<AttributionResultView envelope={envelope} />);
    fireEvent.change(screen.getByRole("combobox"), { target: { value: "value" } });
    expect(screen.getByRole("figure", { name: "Attributed value by channel and model" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Export channels × models (CSV)" }));
    expect(spy).toHaveBeenCalledOnce();
    const text = spy.mock.calls[0][1];
    expect(text.split("\r\n")[0]).toBe(
      "channel,first_conversions,last_conversions,linear_conversions,time_decay_conversions,position_conversions," +
        "markov_conversions,shapley_conversions,shapley_ordered_conversions,first_value,last_value,linear_value," +
        "time_decay_value,position_value,markov_value,shapley_value,shapley_ordered_value",
    );
    expect(text.split("\r\n")[1]).toMatch(/^a,3,1,1\.666/);
    spy.mockRestore();
  });

  it("shows the Markov removal effects and the transition matrix", () => {
    render(<AttributionResultView envelope={envelope} />);
    const mk = screen.getByTestId("markov-view");
    expect(within(mk).getByRole("heading", { name: "Markov chain (order 1)" })).toBeInTheDocument();
    const re = within(mk).getByRole("table", { name: "Markov removal effects by channel" });
    expect(within(re).getAllByRole("row")[1]).toHaveTextContent(/a62\.5%64\.3%/);
    const grid = screen.getByTestId("transition-matrix");
    const start = within(grid).getAllByRole("row")[1];
    expect(start).toHaveTextContent("(start)0.4000.3000.300");
  });

  it("shows ordered Shapley credit by rank", () => {
    render(<AttributionResultView envelope={envelope} />);
    const t = screen.getByRole("table", { name: /by its rank among the journey's channels/ });
    const rows = within(t).getAllByRole("row");
    expect(rows[0]).toHaveTextContent("Channel1st2nd");
    expect(rows[3]).toHaveTextContent("c00.5");
  });

  it("renders nothing for a result without estimates or diagnostics", () => {
    const empty = {
      ...envelope,
      estimates: [],
      diagnostics: { markov: "broken" },
    } as unknown as ResultEnvelope;
    const { container } = render(<AttributionResultView envelope={empty} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("pivots estimates and skips malformed rows", () => {
    const p = pivot({
      ...envelope,
      estimates: [
        {
          term: "x",
          model: "first",
          estimate: 1,
          value: null,
          std_error: null,
          ci_low: null,
          ci_high: null,
          p_value: null,
        },
        { term: "y", estimate: 2, std_error: null, ci_low: null, ci_high: null, p_value: null },
      ],
    } as unknown as ResultEnvelope)!;
    expect(p.channels).toEqual(["x"]);
    expect(pivotCsv(p)).toBe("channel,first_conversions\r\nx,1\r\n");
  });
});
