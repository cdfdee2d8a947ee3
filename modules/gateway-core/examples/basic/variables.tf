variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
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
