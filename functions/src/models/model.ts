import type { z } from "zod";
import type { Estimate, RunErrorCode } from "../contracts/result";
import type { Warehouse, SqlQuery, Row, QueryResult } from "../warehouse/warehouse";

/** What a model gets to run: the warehouse (through a metering wrapper), the workspace, and progress. */
export interface ModelContext<P> {
  workspaceId: string;
  params: P;
  warehouse: Pick<Warehouse, "dialect" | "kind">;
  /** Runs a query and records its rows and bytes in the data snapshot. */
  query<T = Row>(query: SqlQuery): Promise<QueryResult<T>>;
  /** Reports a stage change, e.g. "querying the warehouse" → "estimating". */
  stage(stage: string, progress?: number): Promise<void>;
  /** Throws ModelFailure("cancelled") when the job was cancelled meanwhile. */
  checkCancelled(): Promise<void>;
}

export interface ModelOutput {
  estimates: Estimate[];
  diagnostics: Record<string, unknown>;
  n_obs: number;
  warnings: string[];
  /** For reporting: the campaign the analysis is about, if any. */
  campaign?: string | null;
}

export interface Model<S extends z.ZodType = z.ZodType> {
  name: string;
  version: string;
  description: string;
  paramsSchema: S;
  run(ctx: ModelContext<z.infer<S>>): Promise<ModelOutput>;
}

/** A typed, expected failure of a model: becomes the job's error, with a human message. */
export class ModelFailure extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ModelFailure";
  }
}
