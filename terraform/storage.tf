# File drops (CSV / NDJSON, optionally gzipped). Objects are processed once into BigQuery, then
# kept only for replays and audits.
resource "google_storage_bucket" "drops" {
  name                        = local.drops_bucket
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = { app = "cfap" }

  lifecycle_rule {
    condition {
      age = var.drops_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.apis]
}
