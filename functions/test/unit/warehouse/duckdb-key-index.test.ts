/**
 * The natural key as a unique index (schema/duckdb-ddl.ts): every table gets `<table>_key`; files
 * written when the key was a PRIMARY KEY keep it and get no second index; a file whose index is
 * missing (a bulk load stopped between dropping and rebuilding it) gets it back when opened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DuckDbWarehouse, openDuckDbWarehouse } from "../../../src/warehouse/duckdb";
import { duckdbCreateTable } from "../../../src/warehouse/schema/duckdb-ddl";
import { TABLE_NAMES, tableSchema } from "../../../src/warehouse/schema/table-schemas";

const event = (id: string) => ({
  workspace_id: "ws1",
  event_id: id,
  event_name: "purchase",
  event_ts: "2026-01-02T03:04:05.678Z",
  received_at: new Date("2026-01-02T03:05:00Z"),
  channel: "Direct",
  ingest_path: "http",
});

async function keyIndexes(wh: DuckDbWarehouse): Promise<string[]> {
  const { rows } = await wh.query({
    label: "indexes",
    sql: "SELECT index_name FROM duckdb_indexes() WHERE is_unique ORDER BY 1",
  });
  return rows.map((r) => String(r.index_name));
}

describe("DuckDB key index", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cfap-key-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("every table holds its natural key in a unique index named <table>_key", async () => {
    const wh = await openDuckDbWarehouse({ path: join(dir, "w.duckdb") });
    try {
      await wh.ensureSchema();
      expect(await keyIndexes(wh)).toEqual([...TABLE_NAMES].map((t) => `${t}_key`).sort());
      const { rows } = await wh.query({
        label: "pk",
        sql: "SELECT count(*) AS n FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'",
      });
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await wh.close();
    }
  });

  it("a file whose events table lost its index gets it back on opening, and deduplicates again", async () => {
    const path = join(dir, "w.duckdb");
    let wh = await openDuckDbWarehouse({ path });
    await wh.insert("standard_events", [event("a"), event("b")]);
    await wh.exec('DROP INDEX "standard_events_key"');
    await wh.close();
    wh = await openDuckDbWarehouse({ path });
    try {
      expect(await wh.insert("standard_events", [event("a"), event("c")])).toEqual({
        inserted: 1,
        duplicates: 1,
      });
      expect(await keyIndexes(wh)).toContain("standard_events_key");
    } finally {
      await wh.close();
    }
  });

  it("a file from before the index keeps its PRIMARY KEY and gets no second index", async () => {
    const path = join(dir, "w.duckdb");
    // Opened without its schema step, so the table gets the former DDL: the same columns, the key as
    // a PRIMARY KEY.
    let wh = await DuckDbWarehouse.open({ path });
    const events = tableSchema("standard_events");
    await wh.exec(
      duckdbCreateTable(events, "main.standard_events").replace(
        /\n\)$/,
        `,\n  PRIMARY KEY (${events.key.map((k) => `"${k}"`).join(", ")})\n)`,
      ),
    );
    await wh.close();
    wh = await openDuckDbWarehouse({ path });
    try {
      await wh.insert("standard_events", [event("a")]);
      expect(await wh.insert("standard_events", [event("a"), event("b")])).toEqual({
        inserted: 1,
        duplicates: 1,
      });
      const indexes = await keyIndexes(wh);
      expect(indexes).not.toContain("standard_events_key");
      expect(indexes).toContain("uploads_key");
    } finally {
      await wh.close();
    }
  });
});
