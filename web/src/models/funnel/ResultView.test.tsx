import type { ResultEnvelope } from "@cfap/contracts";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import * as csv from "../../core/csv";
import real from "./fixture.json";
import FunnelResultView from "./ResultView";

/**
 * A result exactly as `cfap analyze funnel --json --breakdown channel` wrote it for 40 synthetic users
 * (view_item → add_to_cart → purchase; four UTM channels).
 */
const envelope = real as unknown as ResultEnvelope;

describe("funnel ResultView (real model output)", () => {
  it("draws the funnel and the steps table with drop-offs", () => {
    render(<FunnelResultView envelope={envelope} />);
    expect(screen.getByRole("figure", { name: "Users reaching each funnel step" })).toBeInTheDocument();
    const t = screen.getByRole("table", { name: /per funnel step/ });
    const rows = within(t).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("1. view_item40100%———");
    expect(rows[2]).toHaveTextContent("2. add_to_cart2665%65%1442.0 min");
    expect(rows[3]).toHaveTextContent("3. purchase1332.5%50%134.4 h");
  });

  it("shows the breakdown and the progress credit, and exports the steps", () => {
    const spy = vi.spyOn(csv, "downloadText").mockImplementation(() => undefined);
    render(<FunnelResultView envelope={envelope} />);
    const b = screen.getByRole("table", { name: "Users per step by channel" });
    expect(within(b).getAllByRole("row")[1]).toHaveTextContent("Direct106330%");
    const pr = screen.getByTestId("funnel-progress");
    expect(
      within(pr).getByRole("heading", { name: "1. view_item → 2. add_to_cart (26)" }),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Export steps (CSV)" }));
    expect(spy.mock.calls[0][1]).toMatch(/^step,users,conversion_rate/);
    spy.mockRestore();
  });

  it("renders nothing without steps or diagnostics", () => {
    const { container } = render(
      <FunnelResultView
        envelope={
          { ...envelope, estimates: [], diagnostics: { attribution: 3 } } as unknown as ResultEnvelope
        }
      />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
