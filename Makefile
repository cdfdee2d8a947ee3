# aigw — the front door. `make` (or `make help`) lists the targets.
#
#   make apply ENV=local   deploy the gateway into the local AWS sandbox (does its own set-up)
#   make test              lint, validate, module tests and every pytest suite
#
# Variables: ENV (local|dev|staging|prod), TF (terraform|tofu), PYTHON (>= 3.11),
# SANDBOX_PORT (default 4599), ARCH (arm64|x86_64).

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS   += --no-print-directory

ENV          ?= local
TF           ?= terraform
PYTHON       ?= python3
SANDBOX_PORT ?= 4599
ARCH         ?= arm64
PYTEST_ARGS  ?=

VENV      := .venv
VPY       := $(VENV)/bin/python
AIGW      := $(VPY) -m aigw
STAMP     := $(VENV)/.installed
STATE     := .aigw

export TF
export AIGW_SANDBOX_PORT := $(SANDBOX_PORT)
export AIGW_LAMBDA_ARCH  := $(ARCH)
# The machine's TF_CLI_CONFIG_FILE may name a missing file: always use the project's own.
export TF_CLI_CONFIG_FILE := $(CURDIR)/$(STATE)/terraformrc
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1

.PHONY: help
help: ## list the targets
	@echo "aigw — make targets (ENV=$(ENV), TF=$(TF))"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

# -- set-up ------------------------------------------------------------------------------
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=...)")'
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

.PHONY: setup
setup: $(STAMP) ## create the virtualenv and install aigw with its dev/test extras (idempotent)
	@true

.PHONY: toolchain
toolchain: $(STAMP) ## write the project's Terraform CLI config (provider mirror when present)
	@$(AIGW) toolchain

.PHONY: lock
lock: $(STAMP) ## re-pin the Python dependencies into constraints.txt
	$(VPY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

# -- build -------------------------------------------------------------------------------
.PHONY: build
build: $(STAMP) ## build deterministic Lambda packages into dist/ (no-op when unchanged)
	@$(AIGW) build --arch $(ARCH)

# -- code quality ------------------------------------------------------------------------
.PHONY: fmt
fmt: $(STAMP) ## format Terraform and Python code
	$(TF) fmt -recursive modules envs
	$(VPY) -m ruff format tooling lambda_src tests bench
	$(VPY) -m ruff check --fix tooling lambda_src tests bench

.PHONY: lint
lint: toolchain ## ruff + terraform fmt -check
	$(VPY) -m ruff check tooling lambda_src tests bench
	$(VPY) -m ruff format --check tooling lambda_src tests bench
	@$(AIGW) tf fmt-check

# checkov pins packages the project's venv cannot share (e.g. openai<1): its own venv.
SCAN_VENV  := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed
$(SCAN_STAMP): constraints-scan.txt
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r constraints-scan.txt
	@touch $@

.PHONY: venvs
venvs: ## create both virtualenvs (.venv, .venv-scan) in parallel (idempotent)
	@$(MAKE) -j2 $(STAMP) $(SCAN_STAMP)

.PHONY: scan
scan: $(STAMP) $(SCAN_STAMP) build toolchain ## compliance scan: fmt, validate, checkov + the aigw policy pack (reports in .aigw/reports)
	@$(AIGW) scan

.PHONY: docs
docs: $(STAMP) toolchain ## regenerate module README tables and example OpenAPI documents
	@$(AIGW) docs

.PHONY: validate
validate: build toolchain ## terraform init + validate every module, example and env
	@$(AIGW) tf validate

.PHONY: tf-test
tf-test: toolchain ## terraform test (mock provider) in every module that has tests
	@$(AIGW) tf test

# -- tests -------------------------------------------------------------------------------
# Terraform and the aws provider are Go programs whose heap is mostly the provider's
# schema; the suites start them hundreds of times. Collecting garbage at 5x the live heap
# instead of 2x (GOGC=400: about 600 MB instead of 400 MB per process) takes about a
# quarter off their CPU time (docs/performance.md, ADR 0149). A GOGC already set wins.
unit test test-aws tf-test validate scan: export GOGC ?= 400

# pytest exits 5 when it selects no test; that is not a failure of the suite.
define run_pytest
	@set +e; $(VPY) -m pytest $(1) $(PYTEST_ARGS); rc=$$?; set -e; \
	  if [ $$rc -eq 5 ]; then echo "pytest: no tests selected in $(1)"; rc=0; fi; exit $$rc
endef

.PHONY: unit
unit: build ## unit tests (fast, no sandbox)
	$(call run_pytest,tests -m "not sandbox and not terraform")

.PHONY: test
# One pytest run on PYTEST_WORKERS processes does everything: the unit, integration and
# e2e suites and the static checks (every module's `terraform test` file, the compliance
# scan, the policy layer in the scan's virtualenv; tests/static/). pytest-xdist spreads
# them over the workers, so the 2 cores stay busy to the end (ADR 0154). The sandbox
# suites spend much of their time waiting on Terraform and the sandbox (the provider's
# read-back waits), not on the CPU, hence twice as many workers as cores.
# --dist loadgroup: the test files sharing one envs/local apply (GROUP_FILES in
# tests/integration/local_env.py) run on one worker; every other test is scheduled alone.
# --durations: the CI log lists the slowest tests, so a slower suite shows where.
# `terraform validate` is not repeated here: every example is applied, every env planned
# or applied by the suites, and plan and apply validate the whole configuration first.
PYTEST_WORKERS ?= 4

# Both virtualenvs side by side first: each `pip install` keeps one core busy for about
# 25 s on a fresh clone, and neither needs the other.
test: venvs lint build toolchain $(SCAN_STAMP) ## everything: lint, module tests, compliance scan, unit/integration/e2e suites
	$(call run_pytest,tests -n $(PYTEST_WORKERS) --dist loadgroup --durations=15)

.PHONY: test-aws
# The integration suite against a real sandbox account (docs/testing.md): names carry a
# per-run prefix, every apply is destroyed, and tests that need moto skip with a reason.
test-aws: build toolchain ## integration suite against a real sandbox account (AIGW_AWS_PROFILE, AIGW_AWS_REGION)
	AIGW_SANDBOX=aws $(VPY) -m pytest tests/integration -m sandbox -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# -- mutation testing --------------------------------------------------------------------
# mutmut next to the code under test: the project's venv for lambda_src/, the scan venv for
# policies/ (checkov). Slow (minutes per area), so not part of `make test`. ADR 0082.
AREA ?=
MUTATION_STAMP      := $(VENV)/.mutation-installed
SCAN_MUTATION_STAMP := $(SCAN_VENV)/.mutation-installed
$(MUTATION_STAMP): constraints-mutation.txt $(STAMP)
	$(VPY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -r constraints-mutation.txt
	@touch $@
$(SCAN_MUTATION_STAMP): constraints-mutation.txt $(SCAN_STAMP)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints-scan.txt -r constraints-mutation.txt
	@touch $@

.PHONY: mutation
mutation: $(MUTATION_STAMP) $(SCAN_MUTATION_STAMP) ## mutation testing (mutmut, 2 jobs) of the authorizer, policies, quotas, routing, cache, validation (AREA=one of them)
	@$(AIGW) mutation --jobs 2 $(if $(AREA),--area $(AREA))

# -- local sandbox -----------------------------------------------------------------------
.PHONY: sandbox-up
sandbox-up: $(STAMP) ## start the local AWS sandbox (moto server on 127.0.0.1, port SANDBOX_PORT=4599)
	@$(AIGW) sandbox up --port $(SANDBOX_PORT)

.PHONY: sandbox-down
sandbox-down: ## stop the local AWS sandbox started by sandbox-up
	@if [ -x $(VPY) ]; then $(AIGW) sandbox down; else echo "sandbox was not running (no venv)"; fi

.PHONY: sandbox-status
sandbox-status: $(STAMP) ## show whether the sandbox is running
	@$(AIGW) sandbox status

# -- environments ------------------------------------------------------------------------
.PHONY: check-env
check-env: $(STAMP)
	@$(AIGW) env check $(ENV)

# The local env needs the sandbox; the others never touch it.
ENV_PREREQS = check-env build toolchain $(if $(filter local,$(ENV)),sandbox-up)

.PHONY: plan
plan: ## plan ENV (writes .aigw/plans/ENV.tfplan and prints a summary)
	@$(MAKE) $(ENV_PREREQS)
	@$(AIGW) env plan $(ENV)

.PHONY: apply
apply: ## apply ENV (local: straight into the sandbox; others: only the saved, reviewed plan)
	@$(MAKE) $(ENV_PREREQS)
	@$(AIGW) env apply $(ENV)

.PHONY: destroy
destroy: ## destroy ENV (non-local envs need ALLOW_DESTROY=ENV)
	@$(MAKE) $(ENV_PREREQS)
	@$(AIGW) env destroy $(ENV)

SERVE_PORT ?= 8080

.PHONY: serve
serve: $(STAMP) ## run the local data plane of ENV=local on 127.0.0.1:SERVE_PORT (default 8080)
	@$(AIGW) serve --env $(ENV) --port $(SERVE_PORT)

.PHONY: bootstrap
bootstrap: check-env toolchain ## create a deployed ENV's state bucket and KMS key (envs/_bootstrap), write envs/ENV/backend.hcl
	@$(AIGW) env bootstrap $(ENV)

# -- benchmarks --------------------------------------------------------------------------
# Baselines the benchmarks compare against (FastAPI + Mangum, httpx, litellm) live in their
# own venv: they are never installed next to the project, let alone in a Lambda package.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: constraints-bench.txt
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r constraints-bench.txt
	@touch $@

.PHONY: bench
bench: $(STAMP) $(BENCH_VENV)/.installed $(SCAN_STAMP) build toolchain ## run the benchmarks under bench/ and write docs/performance.md
	AIGW_BENCH_PYTHON=$(CURDIR)/$(BENCH_VENV)/bin/python $(VPY) bench/run.py --out docs/performance.md

.PHONY: clean
clean: ## remove build output and Terraform working dirs (keeps the venv and sandbox)
	rm -rf dist
	find modules envs -name .terraform -type d -prune -exec rm -rf {} +
