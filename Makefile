# opco-dossier: `make run` (the whole pipeline locally), `make test`, `make package STAGE=prod`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The project runs Python 3.13 (.python-version; the Lambda runtime is python3.13). A new machine's
# `python3` may be older with 3.13 only under pyenv: take a python3.13 on PATH that runs (a pyenv
# shim runs only when a pyenv version provides it), else pyenv's newest 3.13.x that is not
# free-threaded (pyenv root, else ~/.pyenv). `make PYTHON=/path/to/python3.13` overrides.
PYTHON ?= $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.13*/bin/python3.13 2>/dev/null | grep -v 't/bin/' | sort -V | tail -1)
# A venv of another Python (a checkout from the 3.11 days) loses its stamp, so the venv is rebuilt.
ifneq ($(shell $(PY) -c 'import sys; print(sys.version_info[:2] == (3, 13))' 2>/dev/null),True)
$(shell rm -f $(STAMP))
endif
API_PORT ?= 8000
AWS_PORT ?= 5000
STAGE ?= prod

.PHONY: run job test unit functional e2e venv clean package lint-infra redrive lint typecheck lock lock-check

venv: $(STAMP)

$(STAMP): requirements-dev.txt  # the dev lock holds the runtime lock's packages too
	@test -n "$(PYTHON)" && "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || \
	  { echo "Python 3.13 is needed (none found on PATH or under pyenv): pyenv install 3.13, or make PYTHON=/path/to/python3.13" >&2; exit 1; }
	$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || { rm -rf $(VENV) && "$(PYTHON)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 requires pip<26.3
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	API_PORT=$(API_PORT) AWS_PORT=$(AWS_PORT) $(PY) scripts/local_stack.py

# One scheduled job of app.py, once, against the running `make run` stack: make job JOB=client_reminders
JOB ?=
job: $(STAMP)
	@test -n "$(JOB)" || { echo "JOB= one of app.py's schedules: sweep_stuck_leads, deadline_digest, client_reminders" >&2; exit 2; }
	API_PORT=$(API_PORT) AWS_PORT=$(AWS_PORT) $(PY) scripts/local_stack.py --job $(JOB)

# The fast gates first (seconds), then packaging, the functional (moto) and e2e tiers.
test: lint typecheck lock-check
	$(PY) -m pytest -q tests/unit
	$(MAKE) lint-infra
	$(PY) -m pytest -n 2 --dist loadfile tests/functional tests/e2e

# ruff's rules and format (pyproject.toml); `ruff check --fix . && ruff format .` mends most findings.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Recompile the hash-locked requirements*.txt from the requirements*.in you edit (scripts/lock.py).
lock: $(STAMP)
	$(PY) scripts/lock.py

# Fails when an .in changed but its lock was not recompiled (offline, no venv needed).
lock-check:
	python3 scripts/lock.py --check

# mypy --strict on chalicelib/ and app.py (pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest tests/unit

functional: $(STAMP)
	$(PY) -m pytest tests/functional

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e

# Rebuild the shipped IDCC -> OPCO table from the official downloads (see chalicelib/opco/data/SOURCES.md):
#   make refresh-opco SIRO=SIRO_202608.csv SIRO_DATE=2026-08-11 DARES=dares.xlsx DARES_EDITION=2026-06
SIRO ?= SIRO.csv
DARES ?= dares.xlsx
SIRO_DATE ?=
DARES_EDITION ?=
TABLE2019 ?=

.PHONY: refresh-opco
refresh-opco: $(STAMP)
	$(PY) scripts/refresh_opco.py --siro $(SIRO) --siro-date "$(SIRO_DATE)" --dares $(DARES) \
		--dares-edition "$(DARES_EDITION)" $(if $(TABLE2019),--table2019 $(TABLE2019)) \
		--out chalicelib/opco/data/idcc_opco.csv

# Deployment artefacts: out/$(STAGE)/sam.json + deployment.zip (see README, "Deploy to AWS").
# AWS_DEFAULT_REGION defaults to eu-west-3 (Paris); no AWS credentials are needed to package.
package: $(STAMP)
	$(PY) scripts/package.py --stage $(STAGE) --out out/$(STAGE)

lint-infra: package
	$(VENV)/bin/cfn-lint out/$(STAGE)/sam.json

# Move dead-lettered dossier jobs back to the jobs queue (AWS: QUEUE=<DeadLetterQueueUrl output>;
# local stack: AWS_ENDPOINT_URL=http://127.0.0.1:5000 and no QUEUE).
QUEUE ?=
redrive: $(STAMP)
	$(PY) scripts/redrive.py $(if $(QUEUE),--dead-letter-queue-url $(QUEUE))

# Benchmarks (ratios against a floor app run side by side; profiles of missed targets in bench/profiles/); figures in docs/benchmarks.md.
.PHONY: bench bench-quick
bench: $(STAMP)
	cd bench && ../$(PY) run_all.py

bench-quick: $(STAMP)
	cd bench && ../$(PY) run_all.py --quick

clean:
	rm -rf $(VENV) .pytest_cache build out

# The pack's sample images (docs/samples/*.png) and its render time.
.PHONY: samples bench-pack
samples: $(STAMP)
	$(PY) scripts/samples.py

bench-pack: $(STAMP)
	cd bench && ../$(PY) pack_build.py --packs 20
# Burst test against the local stack (starts its own on free ports unless LOAD_API/LOAD_AWS are given):
#   make load N=1000
N ?= 1000
LOAD_API ?=
LOAD_AWS ?=
.PHONY: load
load: $(STAMP)
	$(PY) scripts/load.py --n $(N) $(if $(LOAD_API),--api $(LOAD_API) --aws $(LOAD_AWS))

# Pictures of the form and the consultant pages for the docs (docs/screenshots/*.png).
.PHONY: screenshots
screenshots: $(STAMP)
	$(PY) scripts/screenshots.py --out docs/screenshots

# `make` alone lists the targets; tests/unit/test_makefile.py keeps this list complete.
.DEFAULT_GOAL := help
.PHONY: help
help:
	@echo "opco-dossier: make <target>   (docs/architecture.md, \"Development\")"
	@printf '  %-13s %s\n' \
		run "the whole pipeline on this machine: moto, chalice local, the worker pump, the schedules" \
		test "lint, typecheck, lock-check, unit tier, then package + cfn-lint, functional and e2e" \
		unit "the unit tier (pure code, seconds)" \
		functional "the functional tier (moto + Chalice's test client)" \
		e2e "the e2e tier (real local stack over HTTP, Chromium, pdftotext)" \
		lint "ruff check + ruff format --check" \
		typecheck "mypy --strict on chalicelib/ and app.py" \
		lock "recompile the hash-locked requirements*.txt from requirements*.in" \
		lock-check "fail when an .in changed and its lock was not recompiled" \
		venv "create .venv from requirements-dev.txt (hashes checked)" \
		package "out/\$$STAGE/sam.json + deployment.zip (STAGE=prod by default)" \
		lint-infra "package, then cfn-lint the SAM template" \
		redrive "move dead-lettered dossier jobs back to the jobs queue (QUEUE=...)" \
		job "run one scheduled job once on the running local stack (JOB=client_reminders)" \
		load "a burst of N submissions on a local stack, with progress (N=1000)" \
		bench "the benchmarks against a floor app -> bench/results.json" \
		bench-quick "the same, smaller" \
		bench-pack "time the build of one pack" \
		samples "render the pack's sample pages -> docs/samples/*.png" \
		screenshots "render the form and the consultant pages -> docs/screenshots/*.png" \
		refresh-opco "rebuild the IDCC -> OPCO table from the official downloads (SIRO=... DARES=...)" \
		clean "remove .venv, build/, out/ and caches" \
		help "this list"
