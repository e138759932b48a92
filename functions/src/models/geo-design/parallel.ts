/**
 * Runs the per-set simulations on worker_threads when the runtime allows (the compiled worker.js
 * exists next to this file, more than one CPU, more than one task), otherwise inline. Tasks are
 * dealt round-robin and results put back in task order, and every task is deterministic, so the
 * answer is identical either way and for any number of threads.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { simulateSet, type SimConfig, type SimResult, type SimTask } from "./simulate";

export interface ParallelInfo {
  mode: "worker_threads" | "inline";
  threads: number;
}

export function workerFile(): string | null {
  const js = join(__dirname, "worker.js");
  return existsSync(js) ? js : null;
}

export async function simulateAll(
  tasks: SimTask[],
  cfg: SimConfig,
  opts: {
    parallel: boolean;
    maxThreads?: number;
    workerPath?: string | null;
    execArgv?: string[];
    /** Below this much work (≈ multiply-adds) threads cost more than they save: run inline. */
    minWork?: number;
  } = { parallel: true },
): Promise<{ results: SimResult[]; info: ParallelInfo }> {
  const file = opts.workerPath === undefined ? workerFile() : opts.workerPath;
  const threads = Math.min(opts.maxThreads ?? availableParallelism(), tasks.length, 8);
  // Gram matrices dominate: per task and window ≈ J²·T/2 multiply-adds. Starting a worker and
  // loading the module graph costs ~0.1–0.3 s, so small searches stay on the main thread.
  const J = cfg.nUnits;
  const work = tasks.length * cfg.ends.length * ((J * J * cfg.T) / 2 + cfg.effects.length * J * cfg.T);
  if (!opts.parallel || !file || threads < 2 || work < (opts.minWork ?? 1e9)) {
    return { results: tasks.map((t) => simulateSet(t, cfg)), info: { mode: "inline", threads: 1 } };
  }
  const chunks: SimTask[][] = Array.from({ length: threads }, () => []);
  tasks.forEach((t, i) => chunks[i % threads].push(t));
  const parts = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<SimResult[]>((resolve, reject) => {
          const w = new Worker(file, { workerData: { tasks: chunk, cfg }, execArgv: opts.execArgv ?? [] });
          w.once("message", (m: SimResult[]) => {
            resolve(m);
            void w.terminate();
          });
          w.once("error", reject);
          w.once("exit", (code) => {
            if (code !== 0) reject(new Error(`simulation worker exited with code ${code}`));
          });
        }),
    ),
  );
  const byKey = new Map(parts.flat().map((r) => [r.key, r]));
  return {
    results: tasks.map((t) => byKey.get(t.key) as SimResult),
    info: { mode: "worker_threads", threads },
  };
}
