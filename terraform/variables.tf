variable "project_id" {
  description = "GCP / Firebase project id (CFAP_PROJECT_ID)."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Functions, the Cloud Tasks queue and the drops bucket."
  type        = string
  default     = "us-central1"
}

variable "dataset_id" {
  description = "BigQuery dataset (CFAP_BQ_DATASET)."
  type        = string
  default     = "cfap"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.dataset_id)) && length(var.dataset_id) <= 1024
    error_message = "dataset_id may hold letters, digits and underscores only."
  }
}

variable "location" {
  description = "BigQuery dataset location (CFAP_BQ_LOCATION), e.g. US, EU or a region."
  type        = string
  default     = "US"
}

variable "drops_bucket_name" {
  description = "Bucket for file drops; defaults to <project_id>-cfap-drops."
  type        = string
  default     = null
}

variable "drops_retention_days" {
  description = "Dropped files are deleted this many days after upload (rows live on in BigQuery)."
  type        = number
  default     = 30
}

variable "rerun_max_dispatches_per_second" {
  description = "Rate limit of the re-run queue (analysis jobs are heavy; keep this low)."
  type        = number
  default     = 1
}

variable "rerun_max_concurrent_dispatches" {
  description = "Re-runs in flight at once."
  type        = number
  default     = 5
}

variable "dead_letter_retention" {
  description = "How long undeliverable messages are kept on the dead-letter subscription."
  type        = string
  default     = "1209600s" # 14 days
}

variable "deletion_protection" {
  description = "Protect BigQuery tables from terraform destroy. Set false only for throw-away projects."
  type        = bool
  default     = true
}
