# The warehouse. Must match what BigQueryWarehouse.ensureSchema() creates
# (functions/src/warehouse/bigquery/ddl.ts); functions/test/unit/warehouse/bigquery/terraform.test.ts
# checks the two stay in step.

locals {
  # Which row of a key the dedup view keeps: the latest by this ORDER BY (ddl.ts DEDUP_ORDER_BY).
  dedup_order_by = {
    standard_events       = "received_at DESC"
    rejected_events       = "rejected_at DESC"
    uploads               = "finished_at DESC NULLS LAST, started_at DESC"
    job_status            = "updated_at DESC"
    lift_analysis_results = "created_at DESC"
    causal_model_registry = "registered_at DESC"
  }

  # Extra window PARTITION BY columns so filters on them prune partitions (ddl.ts DEDUP_EXTRA_PARTITION_BY).
  dedup_extra_partition_by = {
    standard_events = ["event_ts"]
  }

  dedup_view_sql = {
    for name, t in local.tables : name => join("\n", [
      "SELECT * FROM `${var.project_id}.${var.dataset_id}.${name}`",
      "WHERE TRUE",
      "QUALIFY ROW_NUMBER() OVER (PARTITION BY ${join(", ", concat(t.key, lookup(local.dedup_extra_partition_by, name, [])))} ORDER BY ${local.dedup_order_by[name]}) = 1",
    ])
  }
}

resource "google_bigquery_dataset" "cfap" {
  project     = var.project_id
  dataset_id  = var.dataset_id
  location    = var.location
  description = "CFAP warehouse: events, rejections, uploads, job status and analysis results."
  labels      = { app = "cfap" }

  depends_on = [google_project_service.apis]

  lifecycle {
    precondition {
      condition     = length(setsubtract(local.schema_files, keys(local.tables))) == 0
      error_message = "Every bigquery-schemas/<table>.json needs an entry in bigquery-schemas/tables.json."
    }
  }
}

# One table per schema file, partitioned and clustered as tables.json says.
resource "google_bigquery_table" "table" {
  for_each = local.tables

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.cfap.dataset_id
  table_id            = each.key
  description         = each.value.description
  schema              = file("${path.module}/../bigquery-schemas/${each.key}.json")
  clustering          = each.value.clustering
  deletion_protection = var.deletion_protection
  labels              = { app = "cfap" }

  dynamic "time_partitioning" {
    for_each = each.value.time_partitioning == null ? [] : [each.value.time_partitioning]
    content {
      type  = time_partitioning.value.type
      field = time_partitioning.value.field
    }
  }
}

# <table>_dedup: latest row per key. Streaming inserts are at-least-once; analyses read these views.
resource "google_bigquery_table" "dedup_view" {
  for_each = local.tables

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.cfap.dataset_id
  table_id            = "${each.key}_dedup"
  description         = "${each.key}, latest row per key (${join(", ", each.value.key)}). Read this, not the table."
  deletion_protection = false
  labels              = { app = "cfap" }

  view {
    query          = local.dedup_view_sql[each.key]
    use_legacy_sql = false
  }

  depends_on = [google_bigquery_table.table]
}
