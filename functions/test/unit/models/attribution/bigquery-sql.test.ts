import { describe, expect, it } from "vitest";
import { attributionParamsSchema } from "../../../../src/models/attribution";
import { eventsJourneys, tableJourneys } from "../../../../src/models/attribution/journeys";
import {
  combineQueries,
  totalsQuery,
  touchesQuery,
  transitionsQuery,
} from "../../../../src/models/attribution/queries";
import { funnelParamsSchema } from "../../../../src/models/funnel";
import { funnelCtes, progressQuery, stepsQuery } from "../../../../src/models/funnel/sql";
import { bigqueryDialect } from "../../../../src/warehouse/sql/dialect";

/**
 * No BigQuery here: these only check that the BigQuery spelling of every query is produced and carries
 * no DuckDB-only syntax (lambdas, LIST functions, $params), and that every @param it uses is supplied.
 */
const d = bigqueryDialect("proj", "ds");
const DUCK_ONLY = [
  /->/,
  /\blist_[a-z]+\(/,
  /\bunnest\(\w+\) AS/,
  /generate_subscripts/,
  /\$[a-z]/,
  /VARCHAR\[\]/,
  /DOUBLE\[\]/,
  /\barg_min\(/,
  /\bepoch\(/,
  /GROUPING\([^)]*,/,
];

function check(q: { sql: string; params?: Record<string, unknown> }) {
  for (const re of DUCK_ONLY) expect(q.sql).not.toMatch(re);
  for (const m of q.sql.matchAll(/@(\w+)/g)) expect(q.params ?? {}).toHaveProperty(m[1]);
}

describe("BigQuery SQL (generated, not executed)", () => {
  it("attribution: table and events sources, every query", () => {
    const table = attributionParamsSchema.parse({
      source: {
        kind: "table",
        table: "paths",
        path: "p",
        conversions: "c",
        nulls: "n",
        value: "v",
        times: "t",
      },
    });
    const events = attributionParamsSchema.parse({
      source: {
        kind: "events",
        conversion_event: "purchase",
        start: "2024-01-01",
        end: "2024-01-31",
        exclude: ["direct"],
      },
    });
    for (const j of [
      tableJourneys(table.source as never, d),
      eventsJourneys(events.source as never, d, "ws"),
    ]) {
      check(totalsQuery(j, d));
      check(touchesQuery(j, d, 7, "integer"));
      check(touchesQuery(j, d, 7, "fixed"));
      check(
        combineQueries(j, d, [
          totalsQuery(j, d),
          touchesQuery(j, d, 7, "integer"),
          transitionsQuery(j, d, 2, false, "integer"),
        ]),
      );
      for (const order of [1, 2, 3]) {
        check(transitionsQuery(j, d, order, false, "integer"));
        check(transitionsQuery(j, d, order, true, "fixed"));
      }
    }
  });

  it("funnel", () => {
    const p = funnelParamsSchema.parse({
      steps: [
        { event_name: "view_item", filters: [{ property: "plan", value: "pro" }] },
        { event_name: "purchase", filters: [{ column: "campaign", op: "in", value: ["a", "b"] }] },
      ],
      start: "2024-01-01",
      end: "2024-01-31",
      breakdown: "channel",
    });
    const f = funnelCtes(p, d, "ws");
    check(stepsQuery(f, d, true));
    check(progressQuery(f, d, "channel"));
  });
});
