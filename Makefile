# Brobygger — the two commands are `make run` and `make test`; everything installs from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
PACKAGES := libs/servicekit libs/taxonomy infra/devstack services/registry services/matching services/outcomes services/webhooks gateway
STAMP := $(VENV)/.installed
UV := $(shell command -v uv 2>/dev/null)
PYTEST_ARGS ?=

.PHONY: help install run test test-unit lint fmt migrate bench lock clean

help:
	@echo "make run      start the whole stack on embedded PostgreSQL with demo data (Ctrl-C stops)"
	@echo "make test     the whole test suite (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test-unit  only the unit tests (no database, no processes; seconds)"
	@echo "make lint     ruff + mypy;  make fmt: format;  make migrate: migrate DATABASE_URL"
	@echo "make bench    run every benchmark in bench/ (slow; not part of test)"

install: $(STAMP)

$(STAMP): requirements.lock $(addsuffix /pyproject.toml,$(PACKAGES))
ifdef UV
	uv venv --allow-existing --python python3 $(VENV)
	VIRTUAL_ENV=$(VENV) uv pip sync --require-hashes requirements.lock
	VIRTUAL_ENV=$(VENV) uv pip install --no-deps $(addprefix -e ,$(PACKAGES))
else
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps $(addprefix -e ,$(PACKAGES))
endif
	touch $(STAMP)

run: install
	$(PY) -m devstack

# Each package's tests run in their own pytest process: the services' test packages share names
# (tests.conftest), and a process per package keeps their fixtures and app state apart.
TEST_ROOTS := libs/servicekit libs/taxonomy services/registry services/matching services/outcomes services/webhooks gateway tests

test: install
	@set -e; for root in $(TEST_ROOTS); do echo "== $$root"; $(PY) -m pytest $$root $(PYTEST_ARGS); done

# Pytest exits 5 when a root holds no test of the marker; that is not a failure here.
test-unit: install
	@set -e; for root in $(TEST_ROOTS); do echo "== $$root"; $(PY) -m pytest $$root -m unit -q $(PYTEST_ARGS) || [ $$? -eq 5 ]; done

# lint-imports runs from inside the venv: from the repository root, the folders named like the
# packages (gateway/, services/...) would shadow them as namespace packages.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	cd $(VENV) && bin/lint-imports ../.importlinter

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(PY) -m devstack.migrate

bench: install
	$(PY) bench/gateway_overhead.py
	$(PY) bench/registry_sync.py
	$(PY) bench/matching.py
	$(PY) bench/outcomes.py
	$(PY) bench/ledger.py
	$(PY) bench/importers.py
	$(PY) bench/webhooks.py
	$(PY) bench/load.py
	$(PY) bench/load.py --think-ms 1000
	$(PY) bench/erasure.py

lock:
	uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .run
