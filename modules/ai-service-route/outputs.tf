output "routes" {
  description = "Route specs for gateway-core: one POST route per enabled service (AWS integrations with mapping templates), plus a GET variant (ai_<service>_get, arguments in the query string, stage cache per var.cache) for each service in var.cache."
  value       = merge(local.routes, local.get_routes)
}

output "role_arn" {
  description = "Role API Gateway assumes to call the services."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "role_name" {
  description = "Name of that role."
  value       = try(aws_iam_role.this[0].name, null)
}

output "allowed_actions" {
  description = "The IAM actions the role holds (only those of the enabled services)."
  value       = var.create ? sort(distinct(flatten([for k, v in local.enabled : v.iam]))) : []
}

output "binary_media_types" {
  description = "Media types the enabled routes answer as binary (speech: audio/mpeg, audio/ogg, audio/pcm). The routes carry them too (route spec binary_media_types), and gateway-core adds them to the API's list."
  value       = var.create && var.services.speech ? local.speech_media_types : []
}
