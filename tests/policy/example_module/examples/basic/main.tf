module "api" {
  source = "../../"

  open_paths = ["/v1/models"]
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.api.openapi_document
}
