import { CliError } from "../output";

export const ANALYZE_HELP = `cfap analyze did --data <file.csv> --outcome <col> --treated <0/1 col> --post <0/1 col>
  [--unit <col>] [--time <col> --first-treated <col>] [--cluster <col>] [--se cr1|hc1|classical] [--json]`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const [model] = argv;
  throw new CliError(`unknown model '${model ?? ""}'\n\n${ANALYZE_HELP}`);
}
