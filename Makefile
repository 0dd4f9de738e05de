# opco-dossier: `make run` (the whole pipeline locally) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
API_PORT ?= 8000
AWS_PORT ?= 5000
STAGE ?= prod

.PHONY: run test unit functional e2e venv clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	API_PORT=$(API_PORT) AWS_PORT=$(AWS_PORT) $(PY) scripts/local_stack.py

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile tests

unit: $(STAMP)
	$(PY) -m pytest tests/unit

functional: $(STAMP)
	$(PY) -m pytest tests/functional

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e

clean:
	rm -rf $(VENV) .pytest_cache build out
