# Prices of the models the gateway routes to, for the EstimatedCostUSD metric and USD
# budgets (ADR 0125). A dated table of Amazon Bedrock on-demand prices ships with the
# module (prices/, source and date inside); `prices` overrides it per model id. Only the
# targets' prices are rendered into the config document, which must stay under 8 KB.
locals {
  price_table_file = "${path.module}/prices/bedrock-2026-11-30.json"
  price_table      = jsondecode(file(local.price_table_file))

  # Geo cross-Region inference profiles (us., eu., apac., ...) are billed at the source
  # Region's price of the model they route to; global. profiles have their own price.
  price_targets = flatten([
    for alias, m in var.models : [
      for t in m.targets : {
        model  = t.model
        base   = replace(t.model, "/^(us|eu|apac|us-gov|jp|au|ca)\\./", "")
        type   = try(var.providers_config[t.provider].type, "")
        region = coalesce(try(var.providers_config[t.provider].region, null), local.region, "-")
      }
    ]
  ])

  table_prices_grouped = {
    for t in local.price_targets : t.model => {
      input_per_1m       = local.price_table.regions[t.region][t.base].input_per_1m
      output_per_1m      = local.price_table.regions[t.region][t.base].output_per_1m
      cache_read_per_1m  = try(local.price_table.regions[t.region][t.base].cache_read_per_1m, 0)
      cache_write_per_1m = try(local.price_table.regions[t.region][t.base].cache_write_per_1m, null)
    }...
    if t.type == "bedrock" && can(local.price_table.regions[t.region][t.base])
  }
  table_prices = { for k, v in local.table_prices_grouped : k => v[0] }

  # `prices` wins over the table, model by model.
  effective_prices = merge(local.table_prices, var.prices)

  # Mock targets never cost anything and are exempt; every other target needs a price
  # (targets of unknown providers fail the config parameter's precondition instead).
  unpriced_models = sort(distinct([
    for t in local.price_targets : t.model
    if !contains(["mock", ""], t.type) && !contains(keys(local.effective_prices), t.model)
  ]))
}

resource "terraform_data" "price_check" {
  count = var.create ? 1 : 0

  input = local.unpriced_models

  lifecycle {
    precondition {
      condition     = length(local.unpriced_models) == 0
      error_message = "No price for the target models ${join(", ", local.unpriced_models)}: the price table ${local.price_table.as_of} (modules/llm-route/prices) covers Bedrock models in ${join(", ", keys(local.price_table.regions))} only. Set prices[\"<model id>\"] = { input_per_1m = ..., output_per_1m = ... } (USD per million tokens; 0 where the model is free) so EstimatedCostUSD and USD budgets are right."
    }
  }
}
