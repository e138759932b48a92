import { describe, expect, it } from "vitest";
import { modelInfoSchema } from "../../../src/contracts/api";
import { registry } from "../../../src/models/all-models";
import { modelInfo } from "../../../src/models/registry";

describe("the registered models", () => {
  it("each has a unique name and a JSON Schema for its params", () => {
    const list = registry().list();
    expect(list.map((m) => m.name)).toContain("did");
    for (const m of list) expect(() => modelInfoSchema.parse(modelInfo(m))).not.toThrow();
  });
});
