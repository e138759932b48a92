import { describe, expect, it } from "vitest";
import { didSchema } from "../test/fixtures/did-schema";
import {
  defaultValue,
  defaultVariant,
  issueKey,
  matchVariant,
  prune,
  setIn,
  validate,
  variantLabel,
  type JSONSchema,
} from "./jsonschema";

const schema: JSONSchema = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1 },
    count: { type: "integer", minimum: 1, maximum: 10 },
    alpha: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05 },
    kind: { type: "string", enum: ["a", "b"] },
    day: { type: "string", format: "date" },
    tags: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
    nested: { type: "object", properties: { x: { type: "number" } }, required: ["x"] },
  },
  required: ["name", "count", "kind", "tags"],
};

describe("validate", () => {
  it("reports required fields and bounds by dotted path", () => {
    expect(validate(schema, {})).toEqual({
      name: "is required",
      count: "is required",
      kind: "is required",
      tags: "is required",
    });
    const errs = validate(schema, {
      name: "",
      count: 11,
      kind: "c",
      tags: [],
      day: "2024-02-30",
      alpha: 1,
      nested: {},
    });
    expect(errs).toMatchObject({
      name: "must not be empty",
      count: "must be at most 10",
      kind: "must be one of: a, b",
      tags: "needs at least one item",
      day: "must be a date (YYYY-MM-DD)",
      alpha: "must be less than 1",
      "nested.x": "is required",
    });
  });

  it("flags non-integers and type mismatches", () => {
    expect(validate(schema, { name: "n", count: 1.5, kind: "a", tags: ["t"] })).toEqual({
      count: "must be a whole number",
    });
    expect(validate(schema, { name: "n", count: "x", kind: "a", tags: ["t"] })).toEqual({
      count: "must be a whole number",
    });
  });

  it("validates anyOf against the best-fitting alternative (zod's DiD params)", () => {
    const root = didSchema;
    const events = {
      source: { kind: "events" },
      outcome: { kind: "event_count" },
      unit: "user_id",
      period: "day",
      start: "2024-01-01",
      end: "2024-01-31",
      treatment: { treated_units: ["u1"], start: "2024-01-15" },
    };
    expect(validate(root, events)).toEqual({});
    expect(
      validate(root, { ...events, unit: { property: "1bad" }, treatment: { first_treated: { u1: "nope" } } }),
    ).toEqual({
      "unit.property": "has an invalid format",
      "treatment.first_treated.u1": "must be a date (YYYY-MM-DD)",
    });
    expect(validate(root, { source: { kind: "table" } })).toEqual({
      "source.table": "is required",
      "source.outcome": "is required",
    });
  });
});

describe("form helpers", () => {
  it("builds defaults from defaults, consts and required members", () => {
    expect(defaultValue(schema, schema)).toEqual({ alpha: 0.05 });
    const root = didSchema;
    // The events branch: its source defaults to {kind: "events"}, the table branch requires a source.
    expect(defaultValue(root, root)).toEqual({
      source: { kind: "events" },
      outcome: {},
      treatment: {},
      alpha: 0.05,
    });
    expect(defaultVariant(root.anyOf!, root)).toBe(1);
    const treatment = (root.anyOf![1].properties!.treatment as JSONSchema).anyOf!;
    expect(defaultVariant(treatment, root)).toBe(0);
    const swapped: JSONSchema = { anyOf: [root.anyOf![1], root.anyOf![0]] };
    expect(defaultVariant(swapped.anyOf!, root)).toBe(0);
  });

  it("labels and matches alternatives", () => {
    const root = didSchema;
    const [table, events] = root.anyOf!;
    expect(variantLabel(table, root, 0)).toBe("Source kind: table");
    expect(variantLabel(events, root, 1)).toBe("Source kind: events");
    expect(matchVariant(root.anyOf!, { source: { kind: "events" } }, root)).toBe(1);
    const treatment = (events.properties!.treatment as JSONSchema).anyOf!;
    expect(matchVariant(treatment, { treated_units: [] }, root)).toBe(0);
    expect(matchVariant(treatment, { first_treated: {} }, root)).toBe(1);
  });

  it("sets, prunes and maps server paths", () => {
    expect(setIn({ a: { b: 1 } }, ["a", "c", 0], "x")).toEqual({ a: { b: 1, c: ["x"] } });
    expect(setIn({ a: 1, b: 2 }, ["a"], undefined)).toEqual({ b: 2 });
    expect(prune({ a: "", b: { c: "" }, d: [1, ""], e: 0 })).toEqual({ b: {}, d: [1], e: 0 });
    expect(issueKey("params.treatment.start")).toBe("treatment.start");
    expect(issueKey("treatment.start")).toBe("treatment.start");
    expect(issueKey(null)).toBe("");
  });
});
