# The two commands of the README: `make decks` builds every deck from source/ into decks/,
# `make test` runs the test suite. Each creates the virtual environment it needs: building
# installs deckbuilder's runtime dependencies only (.venv-build), testing the test tools too (.venv).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILD_VENV ?= .venv-build
BUILD_BIN := $(BUILD_VENV)/bin

.PHONY: decks test lint preview screenshots

# Runtime only: no test tool, no anki library.
$(BUILD_BIN)/deckbuilder: pyproject.toml
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_BIN)/python -m pip install --quiet --upgrade pip
	$(BUILD_BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/pytest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

decks: $(BUILD_BIN)/deckbuilder
	$(BUILD_BIN)/deckbuilder build source/ --out decks/

# Every core runs tests, each test file on one worker (its module fixtures made once).
test: $(BIN)/pytest
	$(BIN)/python -m pytest -q -n auto --dist loadfile

lint: $(BIN)/pytest
	$(BIN)/ruff check builder tests
	$(BIN)/ruff format --check builder tests
	$(BIN)/mypy

preview: $(BUILD_BIN)/deckbuilder
	$(BUILD_BIN)/deckbuilder preview source/ --out preview.html

# Light and night screenshots of the seed deck's preview at a phone's width, for review.
CHROMIUM ?= chromium
CHROMIUM_FLAGS = --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --hide-scrollbars --window-size=390,2400
screenshots: $(BUILD_BIN)/deckbuilder
	$(BUILD_BIN)/deckbuilder preview source/rust-web3-interview.md --out preview.html
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$(mktemp -d) --screenshot=preview-light.png "file://$(CURDIR)/preview.html"
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$(mktemp -d) --screenshot=preview-night.png "file://$(CURDIR)/preview.html#night"
