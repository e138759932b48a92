import { BigQueryWarehouse, type BigQueryWarehouseOptions } from "../../../src/warehouse/bigquery";
import { loadTableSchemas } from "../../../src/warehouse/schema/table-schemas";
import { FakeBigQuery } from "./server";

export const PROJECT = "demo-cfap";
export const DATASET = "cfap_test";
export const LOCATION = "EU";
export const MAX_BYTES = 10 * 1024 ** 3;

/** A started fake that knows the natural keys of the CFAP tables (to check insertIds). */
export async function startFake(): Promise<FakeBigQuery> {
  const keys = Object.fromEntries([...loadTableSchemas().values()].map((s) => [s.name, s.key]));
  const fake = new FakeBigQuery({ projectId: PROJECT, maxBytesBilled: MAX_BYTES, location: LOCATION, keys });
  await fake.start();
  return fake;
}

/** The adapter pointed at the fake, with retry delays shortened to milliseconds. */
export function warehouseFor(
  fake: FakeBigQuery,
  extra: Partial<BigQueryWarehouseOptions> = {},
): BigQueryWarehouse {
  return new BigQueryWarehouse({
    projectId: PROJECT,
    dataset: DATASET,
    location: LOCATION,
    maxBytesBilled: MAX_BYTES,
    apiEndpoint: fake.url,
    retryOptions: { maxRetries: 3, maxRetryDelay: 0.01, retryDelayMultiplier: 1.01, totalTimeout: 30 },
    ...extra,
  });
}
