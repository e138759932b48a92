import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { didEnvelope } from "../test/fixtures/results";
import { ModelResultSection, ViewBoundary } from "./ModelResultSection";

afterEach(() => vi.restoreAllMocks());

function Broken(): never {
  throw new Error("diagnostics.curve is not iterable");
}

describe("ModelResultSection", () => {
  it("loads the model's own view lazily", async () => {
    render(<ModelResultSection envelope={didEnvelope} />);
    expect(await screen.findByTestId("did-diagnostics")).toBeInTheDocument();
  });

  it("falls back to the generic diagnostics when a model view throws", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    render(
      <ViewBoundary model="did" envelope={didEnvelope}>
        <Broken />
      </ViewBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent(
      "The did view could not be shown; showing the raw diagnostics — diagnostics.curve is not iterable",
    );
    expect(screen.getByTestId("generic-diagnostics")).toBeInTheDocument();
  });
});
