# /v1/models is not public but has no security requirement: CKV_AIGW_1 fails in the plan.
routes = {
  "/health"    = { public = true, auth = "NONE" }
  "/v1/models" = { public = false, auth = "NONE" }
  "/v1/chat"   = { public = false, auth = "API_KEY" }
}
