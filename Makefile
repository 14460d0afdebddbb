# Every target sets up .venv first when it is missing or out of date, so on a fresh clone
# `make demo` and `make test` are the only set-up a user needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LAB_PORT ?= 8888
JOBS ?= 2

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help setup demo lab release test test-fast lint format bench data figures kit clean

help:
	@echo "make demo     build and autograde a sample class, print the grades"
	@echo "make test     everything CI runs (lint, release check, grading proofs, unit tests)"
	@echo "make test-fast  the inner loop: everything but notebook runs and nbgrader"
	@echo "make lab      JupyterLab with nbgrader (Validate, Assignment List, Formgrader)"
	@echo "make release  regenerate release/ from source/"
	@echo "make bench    time every notebook (student mode and autograde), report metrics"
	@echo "make data     regenerate the datasets in data/"
	@echo "make figures  redraw the notebooks' figures"
	@echo "make kit      pack the student kit (no solutions, hidden tests or grading tools)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

# Test and lint tools are for maintainers and CI only: students never install them.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(PY) -m course_tools demo

lab: $(STAMP)
	$(PY) -m course_tools lab --port=$(LAB_PORT)

release: $(STAMP)
	$(PY) -m course_tools release

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check shared_utils course_tools grader_tests

format: $(DEV_STAMP)
	$(BIN)/ruff format shared_utils course_tools grader_tests
	$(BIN)/ruff check --fix .

test: lint
	$(PY) -m pytest -n $(JOBS) --dist load --maxschedchunk 2 grader_tests

test-fast: lint
	$(PY) -m pytest -n $(JOBS) --dist load -m "not slow" grader_tests

bench: $(STAMP)
	$(PY) -m course_tools bench

data: $(STAMP)
	$(PY) -m course_tools data

kit: $(STAMP)
	$(PY) -m course_tools kit

figures: $(STAMP)
	$(PY) -m course_tools figures

clean:
	rm -rf build .pytest_cache gradebook.db
