# The two commands of the README: `make decks` builds every deck from source/ into decks/,
# `make test` runs the test suite. Each creates the virtual environment it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: decks test lint preview screenshots

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

preview: $(BIN)/deckbuilder
	$(BIN)/deckbuilder preview source/ --out preview.html

# Light and night screenshots of the seed deck's preview at a phone's width, for review.
CHROMIUM ?= chromium
CHROMIUM_FLAGS = --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --hide-scrollbars --window-size=390,2400
screenshots: $(BIN)/deckbuilder
	$(BIN)/deckbuilder preview source/rust-web3-interview.md --out preview.html
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$(mktemp -d) --screenshot=preview-light.png "file://$(CURDIR)/preview.html"
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$(mktemp -d) --screenshot=preview-night.png "file://$(CURDIR)/preview.html#night"
