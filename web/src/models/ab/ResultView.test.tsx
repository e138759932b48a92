import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import bayesian from "./ab-bayesian-result.json";
import sequential from "./ab-sequential-result.json";
import AbResultView from "./ResultView";

/** Real envelopes from `cfap analyze ab --json` on functions/test/fixtures/ab/units.csv. */
describe("ab ResultView", () => {
  it("shows per-arm lift, the CUPED gain, guardrails and the confidence sequence", () => {
    render(<AbResultView envelope={sequential as ResultEnvelope} />);
    const table = screen.getByRole("table", { name: /Relative lift/ });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(screen.getByTestId("cuped")).toHaveTextContent(/θ = 0\.57/);
    expect(screen.getByTestId("guardrails")).toHaveTextContent("Arm sizes match the planned split");
    expect(screen.getByRole("figure", { name: "Confidence sequence for a" })).toBeInTheDocument();
    expect(screen.getByText(/Always-valid interval/)).toBeInTheDocument();
  });

  it("shows the Bayesian chance to win and the segment pooling", () => {
    render(<AbResultView envelope={bayesian as ResultEnvelope} />);
    expect(screen.getByTestId("bayes-summary")).toHaveTextContent(/a: \d+(\.\d+)?% chance to beat control/);
    expect(screen.getByRole("table", { name: "Segment lifts for a" })).toBeInTheDocument();
  });

  it("renders nothing extra for malformed diagnostics", () => {
    const env = {
      ...(sequential as ResultEnvelope),
      diagnostics: { cuped: "x", guardrails: [1], sequential: { looks: [{}] } },
    };
    render(<AbResultView envelope={env} />);
    expect(screen.queryByTestId("cuped")).toBeNull();
    expect(screen.queryByTestId("guardrails")).toBeNull();
    expect(screen.queryByRole("figure")).toBeNull();
  });
});
