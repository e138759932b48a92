import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FactsList } from "./FactsList";

describe("FactsList", () => {
  it("renders each label with its value, in order", () => {
    render(
      <FactsList
        facts={[
          ["Units", "20"],
          ["RMSPE", "1.5"],
        ]}
      />,
    );
    expect(screen.getAllByRole("term").map((t) => t.textContent)).toEqual(["Units", "RMSPE"]);
    expect(screen.getAllByRole("definition").map((d) => d.textContent)).toEqual(["20", "1.5"]);
  });

  it("renders nothing without facts", () => {
    const { container } = render(<FactsList facts={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
