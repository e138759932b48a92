import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resultEnvelopeSchema } from "../../../src/contracts/result";
import { HttpError } from "../../../src/http/errors";
import { ModelFailure } from "../../../src/models/model";
import { codeVersion, createRegistry, modelInfo, registerModels } from "../../../src/models/registry";
import { LocalRunError, runModelLocally } from "../../../src/runs/local-runner";
import { readResults } from "../../../src/runs/results";
import { WarehouseError } from "../../../src/warehouse/warehouse";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../src/warehouse/duckdb";
import { defaultOutput, echoModel } from "./support";

let wh: DuckDbWarehouse;
beforeEach(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
});
afterEach(() => wh.close());

describe("runModelLocally", () => {
  it("returns the stored envelope, the same one the API reads", async () => {
    const stages: string[] = [];
    const envelope = await runModelLocally(
      wh,
      "local",
      "echo",
      { value: 3 },
      {
        registry: createRegistry([echoModel()]),
        onStage: (s) => stages.push(s),
      },
    );
    expect(resultEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelope).toMatchObject({ workspace_id: "local", model: "echo", estimates: [{ estimate: 3 }] });
    expect(await readResults(wh, { workspaceId: "local", limit: 10 })).toEqual([envelope]);
    expect(stages).toEqual([
      "querying the warehouse",
      "querying the warehouse",
      "estimating",
      "writing results",
    ]);
  });

  it("validation errors are HttpErrors with params paths; failures are LocalRunErrors with the code", async () => {
    const registry = createRegistry([
      echoModel(async (ctx) => {
        if (ctx.params.value < 0) throw new ModelFailure("insufficient_data", "need a positive value");
        return defaultOutput(ctx);
      }),
    ]);
    const bad = await runModelLocally(wh, "local", "echo", { value: "x" }, { registry }).catch((e) => e);
    expect(bad).toBeInstanceOf(HttpError);
    expect((bad as HttpError).response.body).toMatchObject({ error: { issues: [{ path: "params.value" }] } });
    const failed = await runModelLocally(wh, "local", "echo", { value: -1 }, { registry }).catch((e) => e);
    expect(failed).toBeInstanceOf(LocalRunError);
    expect(failed).toMatchObject({ code: "insufficient_data", message: "need a positive value" });
  });

  it("retries warehouse errors like the deployed worker", async () => {
    let calls = 0;
    const registry = createRegistry([
      echoModel(async (ctx) => {
        if (++calls < 3) throw new WarehouseError("flaky");
        return defaultOutput(ctx);
      }),
    ]);
    await expect(runModelLocally(wh, "local", "echo", { value: 1 }, { registry })).resolves.toMatchObject({
      model: "echo",
    });
    const always = createRegistry([echoModel(async () => Promise.reject(new WarehouseError("down")))]);
    await expect(
      runModelLocally(wh, "local", "echo", { value: 1 }, { registry: always }),
    ).rejects.toMatchObject({
      code: "warehouse_error",
    });
  });
});

describe("registry", () => {
  it("modelInfo: JSON Schema of the input params and its SHA-256; registerModels is idempotent", async () => {
    const model = echoModel();
    const info = modelInfo(model);
    expect(info.params_schema).toMatchObject({ type: "object", required: ["value"] });
    expect(info.params_schema_hash).toBe(modelInfo(echoModel()).params_schema_hash);
    expect(await registerModels(wh, "1.2.3", [model])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await registerModels(wh, "1.2.3", [model])).toEqual({ inserted: 0, duplicates: 1 });
    expect(await registerModels(wh, "1.2.4", [model])).toEqual({ inserted: 1, duplicates: 0 });
    const { rows } = await wh.query({
      sql: "SELECT model, code_version, params_schema FROM causal_model_registry ORDER BY code_version",
      label: "r",
    });
    expect(rows.map((r) => r.code_version)).toEqual(["1.2.3", "1.2.4"]);
    expect(JSON.parse(String(rows[0].params_schema))).toEqual(info.params_schema);
  });

  it("code version: CFAP_CODE_VERSION or the package version", () => {
    expect(codeVersion({ CFAP_CODE_VERSION: "abc123" })).toBe("abc123");
    expect(codeVersion({})).toBe("0.1.0");
  });

  it("rejects duplicate model names", () => {
    expect(() => createRegistry([echoModel(), echoModel()])).toThrow(/registered twice/);
  });
});
