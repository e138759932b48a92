/** Parses a comma-separated flag value ("a, b,,c" → ["a", "b", "c"]). */
export function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

/** CLI output helpers: JSON for machines, aligned tables for people, a progress bar on a TTY. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export function table(rows: Array<Record<string, unknown>>, columns?: string[]): string {
  if (rows.length === 0) return "(none)";
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "number" ? formatNumber(v) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line(cols),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join("\n");
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e7) ? v.toExponential(4) : v.toFixed(abs < 1 ? 6 : 4);
}

export class Progress {
  private last = 0;
  private readonly started = Date.now();
  constructor(
    private readonly total: number | null,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  update(done: number, rows: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const rate = rows / Math.max((now - this.started) / 1000, 0.001);
    let bar = "";
    if (this.total) {
      const frac = Math.min(done / this.total, 1);
      const width = 30;
      bar = `[${"#".repeat(Math.round(frac * width)).padEnd(width)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    }
    process.stderr.write(
      `\r${bar}${rows.toLocaleString("en-US")} rows, ${Math.round(rate).toLocaleString("en-US")} rows/s`,
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write("\n");
  }
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
