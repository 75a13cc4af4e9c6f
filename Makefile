# The two commands of the README: `make decks` builds every deck from source/ into decks/,
# `make test` runs the test suite. Each creates the virtual environment it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: decks test lint

$(BIN)/deckbuilder: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

decks: $(BIN)/deckbuilder
	$(BIN)/deckbuilder build source/ --out decks/

test: $(BIN)/deckbuilder
	$(BIN)/python -m pytest -q

lint: $(BIN)/deckbuilder
	$(BIN)/ruff check builder tests
	$(BIN)/ruff format --check builder tests
	$(BIN)/mypy
