/** The model's run(): query the panel, validate it, estimate. */
import type { ModelContext, ModelOutput } from "../model";
import { buildPanel, validatePanel } from "./data";
import { estimateSynth } from "./estimate";
import { panelQuery } from "./panel";
import type { SynthParams } from "./params";

export async function runSynth(ctx: ModelContext<SynthParams>): Promise<ModelOutput> {
  const p = ctx.params;
  await ctx.stage("querying the warehouse", 0.1);
  const pq = panelQuery(p, ctx.warehouse.dialect, ctx.workspaceId);
  const res = await ctx.query(pq.query);
  const panel = buildPanel(res.rows as Record<string, unknown>[], pq.variables, pq.periods);
  const data = validatePanel(panel, p);
  await ctx.checkCancelled();
  await ctx.stage("estimating", 0.4);
  return estimateSynth(data, p);
}
