# Every target sets up .venv first when it is missing or out of date, so on a fresh clone
# `make demo` and `make test` are the only set-up a user needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help setup demo lab release test lint format bench data clean

help:
	@echo "make demo     build and autograde a sample class, print the grades"
	@echo "make test     everything CI runs (lint, release check, grading proofs, unit tests)"
	@echo "make lab      JupyterLab with nbgrader (Validate, Assignment List, Formgrader)"
	@echo "make release  regenerate release/ from source/"
	@echo "make bench    time every notebook (student mode and autograde), report metrics"
	@echo "make data     regenerate the datasets in data/"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(PY) -m course_tools demo

lab: $(STAMP)
	$(PY) -m course_tools lab --port=$(LAB_PORT)

release: $(STAMP)
	$(PY) -m course_tools release

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format shared_utils course_tools grader_tests
	$(BIN)/ruff check --fix .

test: lint
	$(PY) -m course_tools release --check
	$(PY) -m pytest grader_tests

bench: $(STAMP)
	$(PY) -m course_tools bench

data: $(STAMP)
	$(PY) -m course_tools data

clean:
	rm -rf build .pytest_cache gradebook.db
