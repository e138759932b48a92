# The identity the Cloud Functions run as, with only what CFAP uses.
resource "google_service_account" "functions" {
  account_id   = "cfap-functions"
  display_name = "CFAP Cloud Functions"
  description  = "Runs CFAP's functions: writes the warehouse, publishes events and run requests, reads drops."
}

locals {
  functions_member = "serviceAccount:${google_service_account.functions.email}"
}

# Read/write tables and views of the CFAP dataset only (not the project's other datasets).
resource "google_bigquery_dataset_iam_member" "functions_data_editor" {
  dataset_id = google_bigquery_dataset.cfap.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = local.functions_member
}

# Running query jobs is a project-level permission.
resource "google_project_iam_member" "functions_job_user" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = local.functions_member
}

# Publish to CFAP's topics only.
resource "google_pubsub_topic_iam_member" "functions_publisher" {
  for_each = {
    events       = google_pubsub_topic.events.id
    run_requests = google_pubsub_topic.run_requests.id
  }
  topic  = each.value
  role   = "roles/pubsub.publisher"
  member = local.functions_member
}

# Read, write (status markers) and delete dropped files, in the drops bucket only.
resource "google_storage_bucket_iam_member" "functions_object_admin" {
  bucket = google_storage_bucket.drops.name
  role   = "roles/storage.objectAdmin"
  member = local.functions_member
}

# Firestore (job status, workspaces).
resource "google_project_iam_member" "functions_datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = local.functions_member
}

# Enqueue re-runs on the one queue.
resource "google_cloud_tasks_queue_iam_member" "functions_enqueuer" {
  project  = var.project_id
  location = google_cloud_tasks_queue.reruns.location
  name     = google_cloud_tasks_queue.reruns.name
  role     = "roles/cloudtasks.enqueuer"
  member   = local.functions_member
}

# Tasks carry an OIDC token for this account to call the re-run function: it must be able to act as itself.
resource "google_service_account_iam_member" "functions_act_as_self" {
  service_account_id = google_service_account.functions.name
  role               = "roles/iam.serviceAccountUser"
  member             = local.functions_member
}
