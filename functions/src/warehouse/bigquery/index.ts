export { BigQueryWarehouse, type BigQueryWarehouseOptions } from "./bigquery-warehouse";
export { BigQueryWarehouseError, mapBigQueryError, type BigQueryFailure } from "./errors";
export { DEDUP_ORDER_BY, DEDUP_EXTRA_PARTITION_BY, dedupViewName, dedupViewSql, tableMetadata } from "./ddl";
export { insertIdFor } from "./rows";
