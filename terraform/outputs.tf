output "functions_service_account" {
  description = "Deploy the functions with this service account (serviceAccount in firebase function options)."
  value       = google_service_account.functions.email
}

output "dataset" {
  description = "CFAP_BQ_DATASET / CFAP_BQ_LOCATION."
  value       = { id = google_bigquery_dataset.cfap.dataset_id, location = google_bigquery_dataset.cfap.location }
}

output "tables" {
  value = { for k, t in google_bigquery_table.table : k => t.id }
}

output "dedup_views" {
  value = { for k, v in google_bigquery_table.dedup_view : k => v.id }
}

output "topics" {
  description = "CFAP_EVENTS_TOPIC / CFAP_RUNS_TOPIC and the dead-letter topic."
  value = {
    events       = google_pubsub_topic.events.name
    run_requests = google_pubsub_topic.run_requests.name
    dead_letter  = google_pubsub_topic.dead_letter.name
  }
}

output "drops_bucket" {
  value = google_storage_bucket.drops.name
}

output "rerun_queue" {
  value = google_cloud_tasks_queue.reruns.id
}
