# Two commands to run the bot:   make setup && make run
# Two commands to run the tests: make setup-dev && make test   (make drills: the fault drills)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-dev run sandbox demo test drills lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .

setup-dev: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'

run:
	$(BIN)/nhacviec run

sandbox:
	$(BIN)/nhacviec sandbox

demo:
	$(BIN)/nhacviec demo

test:
	$(BIN)/pytest -n 2 -m "not drill"

drills:
	$(BIN)/pytest -n 2 -m drill tests/e2e/test_drills.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers jobs storage

bench:
	$(BIN)/python -m tests.benchmarks
