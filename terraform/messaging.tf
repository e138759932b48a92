# Pub/Sub: accepted event batches, analysis run requests, and a dead-letter topic for both.
# The functions' push subscriptions are created by their Eventarc triggers at deploy time; point
# their dead-letter policy at cfap-dead-letter (see README) — the grants it needs are below.

resource "google_pubsub_topic" "events" {
  name                       = "cfap-events"
  labels                     = { app = "cfap" }
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.apis]
}

resource "google_pubsub_topic" "run_requests" {
  name                       = "cfap-run-requests"
  labels                     = { app = "cfap" }
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  name       = "cfap-dead-letter"
  labels     = { app = "cfap" }
  depends_on = [google_project_service.apis]
}

# Keeps dead letters readable until someone looks at them.
resource "google_pubsub_subscription" "dead_letter" {
  name                       = "cfap-dead-letter-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = var.dead_letter_retention
  ack_deadline_seconds       = 60
  expiration_policy {
    ttl = "" # never expires
  }
}

# Pub/Sub's service agent forwards undeliverable messages to the dead-letter topic.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# Re-runs of analyses, rate limited: each run is a heavy BigQuery job.
resource "google_cloud_tasks_queue" "reruns" {
  name     = "cfap-reruns"
  location = var.region

  rate_limits {
    max_dispatches_per_second = var.rerun_max_dispatches_per_second
    max_concurrent_dispatches = var.rerun_max_concurrent_dispatches
  }

  retry_config {
    max_attempts  = 5
    min_backoff   = "10s"
    max_backoff   = "600s"
    max_doublings = 4
  }

  depends_on = [google_project_service.apis]
}
