/** `npm run bench -- <name>`: prints figures; never part of `npm test`. */
import { benchIngest, benchIngestChild } from "./ingest";

const BENCHES: Record<string, () => Promise<void>> = {
  ingest: () => benchIngest(),
  // Spawned by `ingest` for its memory figures (one load in a fresh process).
  "ingest-child": () => benchIngestChild(),
  http: async () => (await import("./http")).benchHttp(),
  readers: async () => (await import("../ingestion/files/bench")).benchReaders(),
  did: async () => (await import("./did")).benchDid(),
  ab: async () => (await import("./ab")).benchAb(),
  attribution: async () => (await import("./attribution")).benchAttribution(),
  synth: async () => (await import("./synth")).benchSynth(),
};

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const run = names.length > 0 ? names : Object.keys(BENCHES).filter((n) => n !== "ingest-child");
  for (const name of run) {
    const bench = BENCHES[name];
    if (!bench) {
      console.error(`unknown benchmark ${name}; choose from ${Object.keys(BENCHES).join(", ")}`);
      process.exitCode = 2;
      return;
    }
    await bench();
  }
}

void main();
