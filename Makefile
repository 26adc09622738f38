# Yibao: two commands. `make run` starts the whole local system with demo data;
# `make test` sets up and runs every test tier, lint and types.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-notices lint types schemas chromium clean node synth deploy

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned requirements into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@touch $(STAMP)

run: $(STAMP)
	@$(PY) -m local.run

# Debian's Chromium and ChromeDriver for the browser tier (never a downloaded browser), and
# Debian's CJK fonts, without which every Chinese character of a screenshot is a box.
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium, chromium-driver and fonts-noto-cjk …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

lint: $(STAMP)
	@$(VENV)/bin/ruff check .

types: $(STAMP)
	@$(VENV)/bin/mypy

test: $(STAMP) chromium node lint types
	@$(VENV)/bin/pytest -q -p no:cacheprovider

bench: $(STAMP)
	@$(PY) -m bench

# The monthly SMS pipeline with 20,000 accounts alone (make bench sends 2,000): ~10 min
# on a quiet machine (515 s on 2026-12-03), much longer on a busy one (the local moto server is one request at a time).
bench-notices: $(STAMP)
	@YIBAO_BENCH_NOTICES=20000 $(PY) -m bench.notices

# Infrastructure (infra/): `make synth` needs no AWS access; `make deploy STAGE=dev` does.
STAGE ?= dev
CDK_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 AWS_DEFAULT_REGION=us-east-1
CDK := infra/node_modules/.bin/cdk

# Node runs the CDK's JavaScript core (Debian's nodejs when missing).
node:
	@command -v node >/dev/null || { \
	  echo "installing Debian's nodejs and npm …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

synth: $(STAMP) node
	@$(CDK_ENV) $(PY) -m infra.app

$(CDK): infra/package.json infra/package-lock.json
	@npm ci --prefix infra --no-audit --no-fund --silent

deploy: synth $(CDK)
	@case "$(STAGE)" in dev|prod) ;; *) echo "STAGE must be dev or prod (local is make run)"; exit 1;; esac
	@$(CDK_ENV) $(CDK) deploy --app infra/cdk.out --require-approval broadening $(STAGE)

# After editing schemas/: rebuild the OpenAPI document and the deployed copy.
schemas: $(STAMP)
	@$(PY) -m local.schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache infra/cdk.out infra/node_modules
