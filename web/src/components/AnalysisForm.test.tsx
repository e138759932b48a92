import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiRequestError } from "../core/api";
import type { JSONSchema } from "../core/jsonschema";
import { didSchema } from "../test/fixtures/did-schema";
import { AnalysisForm } from "./AnalysisForm";

const schema: JSONSchema = {
  type: "object",
  properties: {
    metric: { type: "string", minLength: 1, description: "Event name to count" },
    alpha: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05 },
    period: { type: "string", enum: ["day", "week", "month"] },
    robust: { type: "boolean" },
    treated_units: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
    window: {
      type: "object",
      properties: { start: { type: "string", format: "date" }, end: { type: "string", format: "date" } },
      required: ["start", "end"],
    },
  },
  required: ["metric", "period", "treated_units", "window"],
};

describe("AnalysisForm (schema-driven)", () => {
  it("renders a field per schema type, with defaults", () => {
    render(<AnalysisForm schema={schema} onSubmit={vi.fn()} />);
    expect(screen.getByLabelText(/^Metric/)).toHaveAttribute("type", "text");
    expect(screen.getByText("Event name to count")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Alpha/)).toHaveValue("0.05");
    const period = screen.getByLabelText(/^Period/);
    expect(period.tagName).toBe("SELECT");
    expect(
      within(period)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Choose…", "day", "week", "month"]);
    expect(screen.getByLabelText(/^Robust/)).toHaveAttribute("type", "checkbox");
    expect(screen.getByLabelText(/^Treated units/)).toBeInTheDocument();
    expect(screen.getByText("Separate values with commas.")).toBeInTheDocument();
    const window = screen.getByRole("group", { name: "Window" });
    expect(within(window).getByLabelText(/^Start/)).toHaveAttribute("type", "date");
  });

  it("shows validation messages inline and does not submit invalid params", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<AnalysisForm schema={schema} onSubmit={onSubmit} />);
    await user.clear(screen.getByLabelText(/^Alpha/));
    await user.type(screen.getByLabelText(/^Alpha/), "1.5");
    await user.tab();
    expect(screen.getByText("must be less than 1")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Alpha/)).toHaveAttribute("aria-invalid", "true");

    await user.click(screen.getByRole("button", { name: "Run analysis" }));
    expect(onSubmit).not.toHaveBeenCalled();
    const summary = screen.getByRole("alert", { name: "Problems with the parameters" });
    expect(summary).toHaveTextContent("6 problems to fix");
    expect(screen.getByLabelText(/^Metric/)).toHaveAccessibleDescription(/is required/);
    expect(screen.getByLabelText(/^Treated units/)).toHaveAccessibleDescription(/is required/);
    // The first problem gets focus.
    expect(screen.getByLabelText(/^Metric/)).toHaveFocus();
  });

  it("submits pruned params once valid", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<AnalysisForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^Metric/), "checkout");
    await user.selectOptions(screen.getByLabelText(/^Period/), "week");
    await user.type(screen.getByLabelText(/^Treated units/), "us-east, eu-west,");
    await user.type(screen.getByLabelText(/^Start/), "2024-01-01");
    await user.type(screen.getByLabelText(/^End/), "2024-01-31");
    await user.click(screen.getByLabelText(/^Robust/));
    await user.click(screen.getByRole("button", { name: "Run analysis" }));
    expect(onSubmit).toHaveBeenCalledWith({
      metric: "checkout",
      alpha: 0.05,
      period: "week",
      robust: true,
      treated_units: ["us-east", "eu-west"],
      window: { start: "2024-01-01", end: "2024-01-31" },
    });
  });

  it("maps server 400 issues onto fields by path", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiRequestError(400, "bad_request", "invalid params", [
        { path: "params.window.end", reason: "end is before start" },
        { path: "metric", reason: "no events with this name" },
        { path: null, reason: "something about the whole request" },
      ]),
    );
    const user = userEvent.setup();
    render(
      <AnalysisForm
        schema={schema}
        initialValue={{
          metric: "x",
          period: "day",
          treated_units: ["a"],
          window: { start: "2024-02-01", end: "2024-01-01" },
        }}
        onSubmit={onSubmit}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Run analysis" }));
    expect(await screen.findByText("end is before start")).toBeInTheDocument();
    expect(screen.getByLabelText(/^End/)).toHaveAccessibleDescription("end is before start");
    expect(screen.getByLabelText(/^Metric/)).toHaveAccessibleDescription(/no events with this name/);
    expect(screen.getByText(/The server rejected some parameters/)).toBeInTheDocument();
    expect(screen.getByText("something about the whole request")).toBeInTheDocument();
    // Editing the field clears its server message.
    await user.type(screen.getByLabelText(/^Metric/), "y");
    expect(screen.getByLabelText(/^Metric/)).not.toHaveAccessibleDescription(/no events with this name/);
  });

  it("handles the DiD params schema (anyOf alternatives, records, optional objects, lists of objects)", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<AnalysisForm schema={didSchema} onSubmit={onSubmit} />);
    await user.selectOptions(screen.getByLabelText("Input type"), "Source kind: events");
    const outcome = screen.getByRole("group", { name: "Outcome" });
    await user.selectOptions(within(outcome).getByLabelText(/^Kind/), "event_count");
    expect(screen.getByRole("combobox", { name: "Unit: type" })).toHaveDisplayValue(
      "one of user_id, anonymous_id, session_id, …",
    );
    await user.selectOptions(screen.getByRole("combobox", { name: "Unit" }), "user_id");
    await user.selectOptions(screen.getByLabelText(/^Period/), "day");
    const dates = screen.getAllByLabelText(/^Start/);
    await user.type(dates[0], "2024-01-01");
    await user.type(screen.getByLabelText(/^End/), "2024-01-31");
    await user.type(screen.getByLabelText(/^Treated units/), "u1, u2");
    await user.type(screen.getAllByLabelText(/^Start/)[1], "2024-01-15");
    expect(screen.getByRole("group", { name: /Event study/ })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Run analysis" }));
    expect(onSubmit).toHaveBeenCalledWith({
      source: { kind: "events" },
      outcome: { kind: "event_count" },
      unit: "user_id",
      period: "day",
      start: "2024-01-01",
      end: "2024-01-31",
      treatment: { treated_units: ["u1", "u2"], start: "2024-01-15" },
      alpha: 0.05,
    });
  });
});
