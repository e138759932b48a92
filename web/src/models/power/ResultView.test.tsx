import type { ResultEnvelope } from "@cfap/contracts";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import real from "./power-result.json";
import PowerResultView from "./ResultView";

/** A real envelope of `cfap analyze power --metric proportion --baseline 0.1 --mde 0.01 --daily-units 5000 --variance-reduction 0.2 --json`. */
describe("power ResultView", () => {
  it("answers how long to run, with and without CUPED", () => {
    render(<PowerResultView envelope={real as ResultEnvelope} />);
    expect(screen.getByTestId("power-diagnostics")).toHaveTextContent(
      /Run it for 5 day\(s\) \(6 without CUPED/,
    );
  });
  it("renders nothing without estimates", () => {
    const { container } = render(
      <PowerResultView envelope={{ ...(real as ResultEnvelope), estimates: [] }} />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
