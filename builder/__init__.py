"""deckbuilder: structured Markdown study material in, versioned Anki decks of atomic cards out."""

__version__ = "0.1.0"
