import { parseArgs } from "node:util";
import { loadSettings } from "../../config/settings";
import { seedFirebase } from "../../demo/seed-firebase";
import { seedWarehouse } from "../../demo/seed-warehouse";
import { demoConfig, demoTruth } from "../../demo/synthetic";
import { timeWindowOf } from "../../services";
import { printJson, table } from "../output";
import { openCliWarehouse } from "../open-local";

export const SEED_HELP = `cfap seed [--db <duckdb file>] [--emulators] [--json]

Loads the synthetic demo data set (20 geos, 56 days, campaign spring_sale in geo_01..geo_05 with a
true lift of +6 purchases per geo-day) into the warehouse. With --emulators it also creates the demo
users, workspaces and API keys in the Auth and Firestore emulators.`;

export async function seedCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      emulators: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (values.emulators) {
    process.env.FIRESTORE_EMULATOR_HOST ??= "127.0.0.1:8080";
    process.env.FIREBASE_AUTH_EMULATOR_HOST ??= "127.0.0.1:9099";
    process.env.GCLOUD_PROJECT ??= "demo-cfap";
  }
  const settings = loadSettings();
  const warehouse = await openCliWarehouse(values.db);
  try {
    const window = timeWindowOf(settings);
    const demo = demoConfig();
    const outcomes = [
      await seedWarehouse(warehouse, demo, window),
      await seedWarehouse(
        warehouse,
        demoConfig(new Date(), {
          workspaceId: "other",
          seed: 7,
          geos: 6,
          treatedGeos: 2,
          days: 28,
          treatmentDay: 14,
        }),
        window,
      ),
    ];
    let users: Awaited<ReturnType<typeof seedFirebase>> = [];
    if (values.emulators) users = await seedFirebase();
    const truth = demoTruth(demo);
    if (values.json) {
      printJson({ warehouse: outcomes, users, truth });
    } else {
      console.log(
        table(
          outcomes.map((o) => ({
            workspace: o.workspace_id,
            events: o.events,
            inserted: o.inserted,
            note: o.skipped ? "already seeded" : "",
          })),
        ),
      );
      if (users.length > 0) {
        console.log("\ndemo accounts:");
        console.log(
          table(
            users.map((u) => ({
              email: u.email,
              password: u.password,
              workspace: u.workspace,
              api_key: u.api_key,
            })),
          ),
        );
      }
      console.log(
        `\ntruth: campaign ${truth.campaign} in ${truth.treated_units.join(", ")} from ${truth.treatment_start}: +${truth.true_att_purchases_per_geo_day} purchases per geo-day`,
      );
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}
