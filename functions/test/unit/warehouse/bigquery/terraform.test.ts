/**
 * Keeps terraform/ in step with bigquery-schemas/ and with the adapter's DDL, without needing the
 * terraform binary (when one is installed, the view SQL is also evaluated with `terraform console`).
 */
import { describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEDUP_EXTRA_PARTITION_BY, DEDUP_ORDER_BY, dedupViewSql } from "../../../../src/warehouse/bigquery";
import { loadTableSchemas, TABLE_NAMES } from "../../../../src/warehouse/schema/table-schemas";

const repo = resolve(__dirname, "../../../../..");
const tfDir = join(repo, "terraform");
const schemaDir = join(repo, "bigquery-schemas");
const tf = readdirSync(tfDir)
  .filter((f) => f.endsWith(".tf"))
  .map((f) => readFileSync(join(tfDir, f), "utf8"))
  .join("\n");
const schemaFiles = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".json") && f !== "tables.json")
  .map((f) => f.replace(/\.json$/, ""))
  .sort();
const tablesJson = JSON.parse(readFileSync(join(schemaDir, "tables.json"), "utf8")).tables as Record<
  string,
  { key: string[]; timePartitioning?: { type: string; field: string }; clustering?: string[] }
>;

/** The body of `name = { … }` inside a locals block, as key → raw value text. */
function hclMap(name: string): Record<string, string> {
  const m = new RegExp(`\\n\\s*${name}\\s*=\\s*\\{([^}]*)\\}`).exec(tf);
  if (!m) throw new Error(`local ${name} not found in terraform/`);
  const out: Record<string, string> = {};
  for (const line of m[1].split("\n")) {
    const kv = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(line);
    if (kv) out[kv[1]] = kv[2];
  }
  return out;
}

describe("terraform", () => {
  test("every schema file has a tables.json entry and vice versa, and the port knows every table", () => {
    expect(Object.keys(tablesJson).sort()).toEqual(schemaFiles);
    expect([...TABLE_NAMES].sort()).toEqual(schemaFiles);
  });

  test("tables are created per tables.json entry with schema = file(../bigquery-schemas/<t>.json)", () => {
    expect(tf).toMatch(/jsondecode\(file\("\$\{local\.schema_dir\}\/tables\.json"\)\)\.tables/);
    expect(tf).toContain('schema_dir = "${path.module}/../bigquery-schemas"');
    const table = /resource "google_bigquery_table" "table" \{([\s\S]*?)\n\}/.exec(tf)?.[1] ?? "";
    expect(table).toMatch(/for_each\s*=\s*local\.tables/);
    expect(table).toContain(
      'schema              = file("${path.module}/../bigquery-schemas/${each.key}.json")',
    );
    expect(table).toMatch(/dynamic "time_partitioning"/);
    expect(table).toMatch(/clustering\s*=\s*each\.value\.clustering/);
    // The plan fails if a schema file lacks a tables.json entry.
    expect(tf).toMatch(/fileset\(local\.schema_dir, "\*\.json"\)/);
    expect(tf).toMatch(/setsubtract\(local\.schema_files, keys\(local\.tables\)\)/);
  });

  test("tables.json keys, partition and clustering fields exist in the schemas with fitting types", () => {
    for (const name of schemaFiles) {
      const fields = JSON.parse(readFileSync(join(schemaDir, `${name}.json`), "utf8")) as {
        name: string;
        type: string;
        mode?: string;
      }[];
      const byName = new Map(fields.map((f) => [f.name, f]));
      const opts = tablesJson[name];
      for (const k of opts.key) {
        expect(byName.get(k), `${name}.${k} (key)`).toBeDefined();
        expect(byName.get(k)?.mode, `${name}.${k} (key) must be REQUIRED`).toBe("REQUIRED");
      }
      if (opts.timePartitioning) {
        const f = byName.get(opts.timePartitioning.field);
        expect(f, `${name}.${opts.timePartitioning.field} (partitioning)`).toBeDefined();
        expect(["TIMESTAMP", "DATE", "DATETIME"]).toContain(f?.type);
        expect(["DAY", "HOUR", "MONTH", "YEAR"]).toContain(opts.timePartitioning.type);
      }
      expect((opts.clustering ?? []).length).toBeLessThanOrEqual(4);
      for (const c of opts.clustering ?? []) {
        expect(byName.get(c), `${name}.${c} (clustering)`).toBeDefined();
        expect(byName.get(c)?.mode).not.toBe("REPEATED");
      }
    }
  });

  test("dedup views use the same ordering and partitioning as the adapter", () => {
    const order = hclMap("dedup_order_by");
    expect(Object.fromEntries(Object.entries(order).map(([k, v]) => [k, JSON.parse(v)]))).toEqual(
      DEDUP_ORDER_BY,
    );
    const extra = hclMap("dedup_extra_partition_by");
    expect(Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, JSON.parse(v)]))).toEqual(
      DEDUP_EXTRA_PARTITION_BY,
    );
    expect(tf).toMatch(/table_id\s*=\s*"\$\{each\.key\}_dedup"/);
    expect(tf).toMatch(/use_legacy_sql\s*=\s*false/);
    expect(tf).toContain("QUALIFY ROW_NUMBER() OVER (PARTITION BY");
  });

  test("topics, bucket lifecycle, rate-limited queue and least-privilege service account", () => {
    expect(tf).toMatch(/name\s*=\s*"cfap-events"/);
    expect(tf).toMatch(/name\s*=\s*"cfap-run-requests"/);
    expect(tf).toMatch(/name\s*=\s*"cfap-dead-letter"/);
    expect(tf).toMatch(/resource "google_storage_bucket" "drops"[\s\S]*lifecycle_rule[\s\S]*type = "Delete"/);
    expect(tf).toMatch(
      /resource "google_cloud_tasks_queue" "reruns"[\s\S]*rate_limits \{[\s\S]*max_dispatches_per_second/,
    );
    const roles = [...tf.matchAll(/role\s*=\s*"(roles\/[^"]+)"/g)].map((m) => m[1]);
    for (const r of [
      "roles/bigquery.dataEditor",
      "roles/bigquery.jobUser",
      "roles/pubsub.publisher",
      "roles/storage.objectAdmin",
      "roles/datastore.user",
    ]) {
      expect(roles).toContain(r);
    }
    expect(
      roles.some((r) => /roles\/(owner|editor|bigquery\.admin|storage\.admin|pubsub\.admin)$/.test(r)),
    ).toBe(false);
    expect(tf).toMatch(/resource "google_bigquery_dataset_iam_member" "functions_data_editor"/); // dataset-level, not project
    expect(tf).toMatch(/resource "google_storage_bucket_iam_member" "functions_object_admin"/); // bucket-level
  });

  const terraform = (() => {
    try {
      execFileSync("terraform", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  test.skipIf(!terraform)("terraform console evaluates the same view SQL as dedupViewSql()", () => {
    // Only the locals: no providers, so no `terraform init` (and no network) is needed.
    const dir = mkdtempSync(join(tmpdir(), "cfap-tf-"));
    try {
      cpSync(schemaDir, join(dir, "bigquery-schemas"), { recursive: true });
      const mod = join(dir, "terraform");
      cpSync(join(tfDir, "variables.tf"), join(mod, "variables.tf"));
      const locals = ["main.tf", "bigquery.tf"].map((f) => localsBlock(readFileSync(join(tfDir, f), "utf8")));
      writeFileSync(join(mod, "locals.tf"), locals.join("\n").replace(/^\s*drops_bucket\s*=.*$/m, ""));
      const out = execFileSync(
        "terraform",
        ["console", "-var", "project_id=demo-cfap", "-var", "dataset_id=cfap_test"],
        {
          cwd: mod,
          input: "jsonencode(local.dedup_view_sql)\n",
          encoding: "utf8",
          stdio: ["pipe", "pipe", "ignore"],
          env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
        },
      );
      const views = JSON.parse(JSON.parse(out.trim().split("\n").at(-1)!)) as Record<string, string>;
      for (const schema of loadTableSchemas().values()) {
        expect(views[schema.name], schema.name).toBe(dedupViewSql("demo-cfap", "cfap_test", schema));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function localsBlock(text: string): string {
  const start = text.indexOf("locals {");
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error("unterminated locals block");
}
