import { createServer, type Server } from "node:http";
import { z } from "zod";
import { TABLE_NAMES } from "../schema/table-schemas";
import type { Warehouse } from "../warehouse";

const tableSchema = z.enum(TABLE_NAMES as [string, ...string[]]);
const insertBody = z.object({ table: tableSchema, rows: z.array(z.record(z.string(), z.unknown())) });
const queryBody = z.object({
  sql: z.string(),
  label: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Loopback HTTP front for the embedded warehouse (see remote-warehouse.ts). Binds 127.0.0.1 only: it is
 * a local development process, not a service to expose.
 */
export function createWarehouseServer(
  warehouse: Warehouse,
  log: (m: string) => void = () => undefined,
): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        try {
          if (req.method === "GET" && req.url === "/health") return send(200, { ok: true });
          if (req.method !== "POST") return send(405, { error: "POST only" });
          const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
          switch (req.url) {
            case "/ensure-schema":
              await warehouse.ensureSchema();
              return send(200, { ok: true });
            case "/insert": {
              const b = insertBody.parse(body);
              return send(200, await warehouse.insert(b.table as never, b.rows));
            }
            case "/upsert": {
              const b = insertBody.parse(body);
              await warehouse.upsert(b.table as never, b.rows);
              return send(200, { ok: true });
            }
            case "/query": {
              const b = queryBody.parse(body);
              return send(200, await warehouse.query(b as never));
            }
            default:
              return send(404, { error: `no route ${req.url}` });
          }
        } catch (err) {
          log(`warehouse server error: ${(err as Error).message}`);
          return send(500, { error: (err as Error).message });
        }
      })();
    });
  });
}
