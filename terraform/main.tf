# CFAP infrastructure: the BigQuery warehouse (tables from ../bigquery-schemas), Pub/Sub topics,
# the drops bucket, the re-run queue and the functions' service account.

locals {
  schema_dir = "${path.module}/../bigquery-schemas"

  # tables.json holds what BigQuery's JSON schema format cannot: key, partitioning, clustering.
  # Normalised so every entry has the same shape (a map of objects, not an object of mixed types).
  tables = {
    for name, t in jsondecode(file("${local.schema_dir}/tables.json")).tables : name => {
      description       = t.description
      key               = t.key
      clustering        = try(t.clustering, null)
      time_partitioning = try(t.timePartitioning, null)
    }
  }

  # Every <table>.json beside tables.json must have an entry there (checked below).
  schema_files = toset([for f in fileset(local.schema_dir, "*.json") : trimsuffix(f, ".json") if f != "tables.json"])

  drops_bucket = coalesce(var.drops_bucket_name, "${var.project_id}-cfap-drops")

  services = [
    "bigquery.googleapis.com",
    "pubsub.googleapis.com",
    "storage.googleapis.com",
    "cloudtasks.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
  ]
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "apis" {
  for_each           = toset(local.services)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
