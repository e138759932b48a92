import { SettingsError } from "../config/settings";
import { WarehouseError } from "../warehouse/warehouse";
import { CliError } from "./output";

/**
 * A lazily required module. `require` rather than `import()`: the CLI is CommonJS, and when bin/cfap.js
 * runs the sources through tsx only its CommonJS hook resolves extensionless TypeScript paths.
 */
function lazy<T>(load: () => unknown): T {
  return load() as T;
}

/**
 * Commands load lazily: `cfap analyze` should not pay for firebase-admin (which only `seed --emulators`
 * needs) — module loading was most of a small run's wall time.
 */
const COMMANDS: Record<
  string,
  () => Promise<{ run: (argv: string[]) => Promise<number>; help: () => string }>
> = {
  ingest: async () => {
    const m = lazy<typeof import("./commands/ingest")>(() => require("./commands/ingest"));
    return { run: m.ingestCommand, help: () => m.INGEST_HELP };
  },
  events: async () => {
    const m = lazy<typeof import("./commands/events-summary")>(() => require("./commands/events-summary"));
    return { run: m.eventsCommand, help: () => m.EVENTS_HELP };
  },
  seed: async () => {
    const m = lazy<typeof import("./commands/seed")>(() => require("./commands/seed"));
    return { run: m.seedCommand, help: () => m.SEED_HELP };
  },
  analyze: async () => {
    const m = lazy<typeof import("./commands/analyze")>(() => require("./commands/analyze"));
    return { run: m.analyzeCommand, help: m.analyzeHelp };
  },
};

async function help(): Promise<string> {
  const parts = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).help()));
  return `cfap — the Causal Funnel Attribution Platform CLI\n\n${parts.join("\n\n")}`;
}

/** Entry point: every failure becomes a one-line message and an exit code, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(await help());
    return;
  }
  const load = COMMANDS[command];
  if (!load) {
    console.error(`cfap: unknown command '${command}'\n\n${await help()}`);
    process.exitCode = 2;
    return;
  }
  try {
    const { run } = await load();
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
