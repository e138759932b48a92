import { SettingsError } from "../config/settings";
import { WarehouseError } from "../warehouse/warehouse";
import { EVENTS_HELP, eventsCommand } from "./commands/events-summary";
import { INGEST_HELP, ingestCommand } from "./commands/ingest";
import { SEED_HELP, seedCommand } from "./commands/seed";
import { ANALYZE_HELP, analyzeCommand } from "./commands/analyze";
import { CliError } from "./output";

const HELP = `cfap — the Causal Funnel Attribution Platform CLI

${INGEST_HELP}

${EVENTS_HELP}

${SEED_HELP}

${ANALYZE_HELP}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  ingest: ingestCommand,
  events: eventsCommand,
  seed: seedCommand,
  analyze: analyzeCommand,
};

/** Entry point: every failure becomes a one-line message and an exit code, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`cfap: unknown command '${command}'\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`cfap ${command}: ${err.message}`);
      process.exitCode = err.exitCode;
    } else if (err instanceof SettingsError || err instanceof WarehouseError) {
      console.error(`cfap ${command}: ${err.message}`);
      process.exitCode = 1;
    } else if (
      err instanceof TypeError &&
      /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(
        String((err as NodeJS.ErrnoException).code ?? err.message),
      )
    ) {
      console.error(`cfap ${command}: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`cfap ${command}: unexpected error: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}
