variable "create" {
  description = "Whether to create any resource of this module."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the VPC links and the internal NLB; prefix of the target groups (`<name>-<key>`, at most 32 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", var.name))
    error_message = "name must be 1-32 letters, digits or '-', not starting or ending with '-' (an NLB name)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

# --- v1 VPC link + internal NLB ---------------------------------------------------------

variable "create_vpc_link_v1" {
  description = "Create the REST API (v1) VPC link in front of an internal Network Load Balancer."
  type        = bool
  default     = true
  nullable    = false
}

variable "vpc_id" {
  description = "VPC of the NLB target groups (required when create_vpc_link_v1 = true)."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets of the internal NLB, one per Availability Zone (required when create_vpc_link_v1 = true)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "security_group_ids" {
  description = "Security groups of the NLB (optional). With security groups, set enforce_security_group_inbound_rules_on_private_link_traffic = \"off\" or allow the VPC link's traffic."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "enforce_security_group_inbound_rules_on_private_link_traffic" {
  description = "Whether the NLB security groups filter PrivateLink (VPC link) traffic: on or off. Null keeps the AWS default. Only valid with security_group_ids."
  type        = string
  default     = null

  validation {
    condition     = var.enforce_security_group_inbound_rules_on_private_link_traffic == null || contains(["on", "off"], coalesce(var.enforce_security_group_inbound_rules_on_private_link_traffic, "on"))
    error_message = "enforce_security_group_inbound_rules_on_private_link_traffic must be one of: on, off (or null)."
  }
}

variable "enable_cross_zone_load_balancing" {
  description = "Cross-zone load balancing on the NLB (on by default: a VPC link reaches every zone's targets)."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_deletion_protection" {
  description = "Deletion protection on the NLB. Turn off before destroying (and in throwaway environments)."
  type        = bool
  default     = true
  nullable    = false
}

variable "access_logs" {
  description = "NLB access logs (TLS listeners only) to an S3 bucket you own, whose policy lets ELB log delivery write to it. Null: off."
  type = object({
    bucket = string
    prefix = optional(string)
  })
  default = null
}

variable "target_groups" {
  description = <<-EOT
    NLB target groups by key (the key becomes the name suffix). target_type: ip | instance | alb
    (alb: the target is an Application Load Balancer ARN, protocol TCP). targets: by key,
    target_id = IP address, instance ID or ALB ARN.
  EOT
  type = map(object({
    target_type          = string
    port                 = number
    protocol             = optional(string, "TCP")
    deregistration_delay = optional(number, 60)
    preserve_client_ip   = optional(bool)
    health_check = optional(object({
      protocol            = optional(string, "TCP")
      port                = optional(string, "traffic-port")
      path                = optional(string)
      matcher             = optional(string)
      interval            = optional(number, 30)
      healthy_threshold   = optional(number, 3)
      unhealthy_threshold = optional(number, 3)
      timeout             = optional(number)
    }), {})
    targets = optional(map(object({
      target_id         = string
      port              = optional(number)
      availability_zone = optional(string)
    })), {})
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for tg in values(var.target_groups) : contains(["ip", "instance", "alb"], tg.target_type)])
    error_message = "target_groups[*].target_type must be one of: ip, instance, alb."
  }

  validation {
    condition     = alltrue([for tg in values(var.target_groups) : contains(["TCP", "TLS"], tg.protocol)])
    error_message = "target_groups[*].protocol must be one of: TCP, TLS."
  }

  validation {
    condition     = alltrue([for tg in values(var.target_groups) : tg.target_type != "alb" || tg.protocol == "TCP"])
    error_message = "target_groups with target_type = \"alb\" must use protocol TCP."
  }

  validation {
    condition     = alltrue([for tg in values(var.target_groups) : contains(["TCP", "HTTP", "HTTPS"], tg.health_check.protocol)])
    error_message = "target_groups[*].health_check.protocol must be one of: TCP, HTTP, HTTPS."
  }

  validation {
    condition     = alltrue([for tg in values(var.target_groups) : tg.port >= 1 && tg.port <= 65535])
    error_message = "target_groups[*].port must be between 1 and 65535."
  }
}

variable "listeners" {
  description = "NLB listeners by key: port, protocol (TCP | TLS), the target_group_key they forward to; TLS listeners need certificate_arn and use a TLS 1.2+ policy by default."
  type = map(object({
    port             = number
    protocol         = optional(string, "TCP")
    target_group_key = string
    certificate_arn  = optional(string)
    ssl_policy       = optional(string, "ELBSecurityPolicy-TLS13-1-2-2021-06")
    alpn_policy      = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for l in values(var.listeners) : contains(["TCP", "TLS"], l.protocol)])
    error_message = "listeners[*].protocol must be one of: TCP, TLS."
  }

  validation {
    condition     = alltrue([for l in values(var.listeners) : l.protocol != "TLS" || l.certificate_arn != null])
    error_message = "listeners with protocol TLS need certificate_arn."
  }

  validation {
    condition     = alltrue([for l in values(var.listeners) : l.port >= 1 && l.port <= 65535])
    error_message = "listeners[*].port must be between 1 and 65535."
  }
}

# --- the integration object for route specs ------------------------------------------------

variable "integration_listener_key" {
  description = "Listener the `integration` output points at. Null: the first listener key in sorted order."
  type        = string
  default     = null
}

variable "integration_host" {
  description = "Host name in the integration URI (sent as Host and checked against the TLS certificate by API Gateway). Null: the NLB DNS name."
  type        = string
  default     = null
}

variable "integration_base_path" {
  description = "Path appended to the integration URI (e.g. \"/v1\"); empty for none."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.integration_base_path == "" || startswith(var.integration_base_path, "/")
    error_message = "integration_base_path must be empty or start with '/'."
  }
}

variable "integration_timeout_ms" {
  description = "Integration timeout in milliseconds (50-29000 by default; Regional APIs may raise the quota up to 300000)."
  type        = number
  default     = 29000
  nullable    = false

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 300000
    error_message = "integration_timeout_ms must be between 50 and 300000."
  }
}

# --- v2 VPC link for ALB targets -------------------------------------------------------------

variable "create_vpc_link_v2" {
  description = "Create a v2 VPC link used by the REST API to reach an Application Load Balancer directly (integrationTarget = the ALB's ARN)."
  type        = bool
  default     = false
  nullable    = false
}

variable "v2_subnet_ids" {
  description = "Subnets of the v2 VPC link's network interfaces (required when create_vpc_link_v2 = true)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "v2_security_group_ids" {
  description = "Security groups of the v2 VPC link's network interfaces; the ALB must accept traffic from them (required when create_vpc_link_v2 = true)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "alb_arn" {
  description = "ARN of the internal Application Load Balancer the v2 link reaches: the OpenAPI integrationTarget of REST private integrations (API Gateway takes the load balancer's ARN there, not a listener's)."
  type        = string
  default     = null

  validation {
    condition     = var.alb_arn == null || can(regex("^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[^/]+/[^/]+$", coalesce(var.alb_arn, "x")))
    error_message = "alb_arn must be an Application Load Balancer ARN (arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>), e.g. aws_lb.x.arn: a REST private integration over a v2 VPC link names the load balancer in integrationTarget, not a listener (and not a Network Load Balancer, which the v1 link of this module serves)."
  }
}

variable "alb_listener_arn" {
  description = "Retired: REST private integrations over a v2 VPC link take the load balancer's ARN, not a listener's. Set alb_arn instead; any value here is refused."
  type        = string
  default     = null

  validation {
    condition     = var.alb_listener_arn == null
    error_message = "alb_listener_arn is retired: API Gateway's integrationTarget for a REST private integration over a v2 VPC link is the load balancer's ARN (…:loadbalancer/app/…), not a listener's. Set alb_arn = aws_lb.<name>.arn instead."
  }
}

variable "alb_integration_uri" {
  description = "URI API Gateway calls through the v2 link (scheme, host matching the ALB certificate, optional path), e.g. https://models.internal.example.com."
  type        = string
  default     = null

  validation {
    condition     = var.alb_integration_uri == null || can(regex("^https?://[^/]+", coalesce(var.alb_integration_uri, "x")))
    error_message = "alb_integration_uri must start with http:// or https:// followed by a host."
  }
}
