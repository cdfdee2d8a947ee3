# Optional: the module creates the model, endpoint configuration and endpoint of entries
# with `create` set; other entries name endpoints that already exist.

resource "aws_sagemaker_model" "this" {
  for_each = local.created_endpoints

  name               = "${var.name}-${each.key}"
  execution_role_arn = each.value.create.execution_role_arn
  # The container reaches nothing but SageMaker's model store.
  enable_network_isolation = true

  primary_container {
    image          = each.value.create.image
    model_data_url = each.value.create.model_data_url
    environment    = each.value.create.environment
  }

  tags = var.tags
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  for_each = local.created_endpoints

  #checkov:skip=CKV_AWS_98:kms_key_arn is set for instance endpoints with EBS volumes; SageMaker rejects a key for serverless variants (no volume) and for instance types with local instance storage (hardware-encrypted NVMe)
  name_prefix = "${each.value.endpoint_name}-"
  # Only EBS-backed instance variants take the key: serverless variants have no volume, and
  # instance types with local instance storage encrypt it in hardware (SageMaker refuses a
  # key for either).
  kms_key_arn = contains(local.kms_volume_endpoints, each.key) ? local.kms_key_arn : null

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.this[each.key].name
    instance_type          = each.value.create.instance_type
    initial_instance_count = each.value.create.instance_type != null ? each.value.create.initial_instance_count : null
    volume_size_in_gb      = each.value.create.volume_size_in_gb

    dynamic "serverless_config" {
      for_each = each.value.create.serverless != null ? [each.value.create.serverless] : []
      content {
        memory_size_in_mb       = serverless_config.value.memory_size_in_mb
        max_concurrency         = serverless_config.value.max_concurrency
        provisioned_concurrency = serverless_config.value.provisioned_concurrency
      }
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint" "this" {
  for_each = local.created_endpoints

  name                 = each.value.endpoint_name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this[each.key].name
  tags                 = var.tags
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.autoscaled_endpoints

  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.this[each.key].name}/variant/AllTraffic"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = each.value.create.autoscaling.min_capacity
  max_capacity       = each.value.create.autoscaling.max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.autoscaled_endpoints

  name               = "${var.name}-${each.key}-invocations"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.create.autoscaling.target_invocations_per_instance
    scale_in_cooldown  = each.value.create.autoscaling.scale_in_cooldown_seconds
    scale_out_cooldown = each.value.create.autoscaling.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "SageMakerVariantInvocationsPerInstance"
    }
  }
}
