variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the REST API."
  type        = string
  default     = "aigw-basic"
}

variable "backend_url" {
  description = "Base URL of the HTTP back end (serves /health and /echo)."
  type        = string
  default     = "https://backend.example.com"
}

variable "logging_level" {
  description = "Execution logging level (OFF, ERROR, INFO)."
  type        = string
  default     = "ERROR"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Project = "aigw", Example = "gateway-core-basic" }
}
