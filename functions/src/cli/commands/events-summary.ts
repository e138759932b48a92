import { parseArgs } from "node:util";
import { workspaceIdSchema } from "../../contracts/event";
import { eventsSummary } from "../../ingestion/reporting";
import { CliError, printJson, table } from "../output";
import { openCliWarehouse } from "../open-local";

export const EVENTS_HELP = `cfap events summary --workspace <id> [--db <duckdb file>] [--json]

Did my data land? Distinct events in total and by name, first and last event time.`;

export async function eventsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "summary") throw new CliError(EVENTS_HELP);
  const { values } = parseArgs({
    args: rest,
    options: {
      workspace: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const ws = workspaceIdSchema.safeParse(values.workspace);
  if (!ws.success)
    throw new CliError(
      `--workspace: ${values.workspace === undefined ? "is required" : ws.error.issues[0].message}`,
    );
  const warehouse = await openCliWarehouse(values.db);
  try {
    const summary = await eventsSummary(warehouse, ws.data, 30);
    if (values.json) {
      printJson({
        workspace_id: summary.workspace_id,
        total: summary.total,
        first_ts: summary.first_ts,
        last_ts: summary.last_ts,
        by_name: summary.by_name,
      });
    } else {
      console.log(
        `workspace ${summary.workspace_id}: ${summary.total.toLocaleString("en-US")} distinct events`,
      );
      console.log(`first ${summary.first_ts ?? "-"}   last ${summary.last_ts ?? "-"}\n`);
      console.log(table(summary.by_name));
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}
