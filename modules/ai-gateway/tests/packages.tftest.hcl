# modules/ai-gateway/modules/packages: the one reader of the build manifest.

run "packages_come_from_the_manifest" {
  command = plan

  module {
    source = "./modules/packages"
  }

  variables {
    manifest_path = "tests/fixtures/manifest.json"
  }

  assert {
    condition = output.packages == {
      llm_gateway     = { filename = "tests/fixtures/llm_gateway.zip", source_code_hash = "VMekmLrvI3caiBbSAaOvUB23kI51QSsnvj09KCLfIrE=", architecture = "x86_64" }
      authorizer      = { filename = "tests/fixtures/authorizer.zip", source_code_hash = "8EAFnG8LGhxvfn0AlB4YOHe7x5v7SR28fWK7vaoo90w=", architecture = "arm64" }
      sagemaker_proxy = { filename = "tests/fixtures/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", architecture = "arm64" }
    }
    error_message = "Each package is the zip next to the manifest, its base64 SHA-256 and the architecture it was built for."
  }
}

run "a_package_missing_from_the_manifest_is_refused" {
  command = plan

  module {
    source = "./modules/packages"
  }

  variables {
    manifest_path = "tests/fixtures/manifest.json"
    names         = ["llm_gateway", "embedding_worker"]
  }

  expect_failures = [output.packages]
}
