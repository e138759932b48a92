/**
 * Running the model outside the job system (the CLI): a Warehouse and raw params in, the model
 * output out. Invalid params become ModelFailure("invalid_params"), like in a job.
 */
import type { Warehouse } from "../../warehouse/warehouse";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import { runDid } from "./estimate";
import { didParamsSchema, eventsParamsSchema, tableParamsSchema, type DidParams } from "./params";

export interface RunDidOptions {
  /** Workspace whose standard_events rows are analysed (events source only). */
  workspaceId?: string;
  onStage?: (stage: string, progress?: number) => void;
}

export function parseDidParams(raw: unknown): DidParams {
  // Validate against the branch the input asks for first: the union's own error is only "Invalid input".
  const kind = (raw as { source?: { kind?: unknown } } | null)?.source?.kind;
  const branch = (kind === "table" ? tableParamsSchema : eventsParamsSchema).safeParse(raw);
  const parsed = branch.success ? didParamsSchema.safeParse(raw) : branch;
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ");
    throw new ModelFailure("invalid_params", msg);
  }
  return parsed.data as DidParams;
}

export async function runDidOnWarehouse(
  warehouse: Pick<Warehouse, "dialect" | "kind" | "query">,
  params: unknown,
  opts: RunDidOptions = {},
): Promise<ModelOutput> {
  const ctx: ModelContext<DidParams> = {
    workspaceId: opts.workspaceId ?? "local",
    params: parseDidParams(params),
    warehouse: { dialect: warehouse.dialect, kind: warehouse.kind },
    query: (q) => warehouse.query(q),
    stage: async (stage, progress) => opts.onStage?.(stage, progress),
    checkCancelled: async () => {},
  };
  return runDid(ctx);
}
