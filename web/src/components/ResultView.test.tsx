import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { didEnvelope } from "../test/fixtures/results";
import { ResultView } from "./ResultView";

afterEach(() => vi.restoreAllMocks());

describe("ResultView", () => {
  it("states the headline in plain words", () => {
    render(<ResultView envelope={didEnvelope} headlineTerm="att" />);
    expect(screen.getByTestId("significance")).toHaveTextContent(
      "The effect is statistically significant at the 5% level: +3.2 (95% CI 1.1 to 5.3). The data point to an increase.",
    );
  });

  it("says when an effect is not significant, at the run's alpha", () => {
    const env: ResultEnvelope = {
      ...didEnvelope,
      params: { alpha: 0.1 },
      estimates: [{ term: "att", estimate: -0.4, std_error: 0.5, ci_low: -1.2, ci_high: 0.4, p_value: 0.42 }],
    };
    render(<ResultView envelope={env} />);
    expect(screen.getByTestId("significance")).toHaveTextContent(
      "The effect is not statistically significant at the 10% level: \u22120.4 (90% CI \u22121.2 to 0.4). The data are consistent with no effect.",
    );
  });

  it("renders the estimates table, the model's diagnostics view, warnings and provenance", async () => {
    render(<ResultView envelope={didEnvelope} />);
    const table = within(screen.getByRole("region", { name: "Estimates" })).getByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("att+3.21.11.1 to 5.30.004Yes");
    expect(rows[2]).toHaveTextContent("x1\u22120.40.5\u22121.4 to 0.60.420No");
    // The did view (src/models/did/ResultView.tsx) is loaded lazily under the estimates.
    expect(await screen.findByTestId("did-diagnostics")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Treated vs control" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Event study" })).toBeInTheDocument();
    expect(screen.getByTestId("pretrend")).toHaveTextContent(
      "Pre-trend test (statistic (df 1) = 0.36, p = 0.550). No evidence that the groups were diverging before treatment.",
    );
    expect(screen.getByText("2 units have no pre-period observations")).toBeInTheDocument();
    expect(screen.getByText("job_123")).toBeInTheDocument();
    expect(screen.getByText("standard_events: 5,000")).toBeInTheDocument();
    const order = ["Estimates", "Diagnostics", "Reproducibility"].map((name) =>
      screen.getByRole("heading", { name, level: 2 }),
    );
    expect(order[0].compareDocumentPosition(order[1]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(order[1].compareDocumentPosition(order[2]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows the generic diagnostics for a model without its own view", async () => {
    const env: ResultEnvelope = {
      ...didEnvelope,
      model: "no_such_model",
      diagnostics: { n_units: 40, design: "custom", curve: [{ x: 1, y: 2 }] },
    };
    render(<ResultView envelope={env} />);
    const generic = screen.getByTestId("generic-diagnostics");
    expect(within(generic).getByText("N units")).toBeInTheDocument();
    expect(within(generic).getByText("40")).toBeInTheDocument();
    expect(within(generic).getByText("custom")).toBeInTheDocument();
    expect(within(generic).getByText("Curve")).toBeInTheDocument();
    expect(screen.queryByTestId("did-diagnostics")).not.toBeInTheDocument();
  });

  it("draws nothing for absent or malformed diagnostics instead of crashing", async () => {
    const env: ResultEnvelope = {
      ...didEnvelope,
      warnings: [],
      diagnostics: {
        parallel_trends: "nope",
        event_study: { coefficients: [{ term: "x" }], pretrend_test: { statistic: "a" } },
      },
    };
    render(<ResultView envelope={env} />);
    expect(await screen.findByTestId("did-diagnostics")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Treated vs control" })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Event study" })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Warnings" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Estimates" })).toBeInTheDocument();
  });

  it("exports the estimates as CSV and the envelope as JSON", async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blobs.push(b as Blob);
      return "blob:test";
    });
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const user = userEvent.setup();
    render(<ResultView envelope={didEnvelope} />);
    await user.click(screen.getByRole("button", { name: "Export estimates (CSV)" }));
    await user.click(screen.getByRole("button", { name: "Export result (JSON)" }));
    expect(names).toEqual(["did-job_123-estimates.csv", "did-job_123-result.json"]);
    expect(await blobs[0].text()).toBe(
      "term,estimate,std_error,ci_low,ci_high,p_value,df,relative_estimate\r\n" +
        "att,3.2,1.07,1.1,5.3,0.004,40,\r\n" +
        "x1,-0.4,0.5,-1.4,0.6,0.42,,0.1\r\n",
    );
    expect(JSON.parse(await blobs[1].text())).toEqual(didEnvelope);
  });
});
