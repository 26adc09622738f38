# Yibao: two commands. `make run` starts the whole local system with demo data;
# `make test` sets up and runs every test tier, lint and types.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint types schemas chromium clean

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

test: $(STAMP) chromium lint types
	@$(VENV)/bin/pytest -q -p no:cacheprovider

bench: $(STAMP)
	@$(PY) -m bench

# After editing schemas/: rebuild the OpenAPI document and the deployed copy.
schemas: $(STAMP)
	@$(PY) -m local.schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
