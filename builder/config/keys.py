"""The keys a deck's configuration may have, in front matter and in ``decks.yaml``, and the
keys of the site generators deckbuilder reads or leaves alone beside them."""

from __future__ import annotations

DECKS_FILE = "decks.yaml"
LOOK_KEYS = ("folders", "note_types", "source_link", "style", "tts")
"""Keys that decide how a deck's cards look and where they go, in front matter and ``decks.yaml``."""
FRONT_MATTER_KEYS = ("deck", "exclude", "fetch_images", "skip", "subdecks", "tags", "title", *LOOK_KEYS)
GROUP_KEYS = ("deck", "exclude", "fetch_images", "sources", "subdecks", "tags", *LOOK_KEYS)
FOLDERS = ("subdecks", "tags")
"""What a source's folders inside its source folder may become (``folders:``)."""
LINK_SCHEMES = ("http", "https", "obsidian", "vscode", "vscode-insiders", "vscodium", "idea", "zed", "file")
"""The addresses a ``source_link`` may open: web pages and editors, never a script."""
SHARED = ("front matter",)
"""Where other tools' keys are allowed beside deckbuilder's: front matter belongs to the site
generator (or the note app) first."""
LANGUAGE_KEYS = ("lang", "language")
"""The generators' keys for the page's language; the first one given is read."""
TAG_KEYS = ("categories", "category", "tag")
"""The generators' keys whose words are tags too (Hugo, Jekyll, VuePress)."""
THEIRS = (*LANGUAGE_KEYS, *TAG_KEYS, "desc", "math", "nav_exclude", "subtitle")
"""The generators' keys close to one of deckbuilder's that are never taken for a misspelling."""
CLOSE = 0.75
"""How alike (:class:`difflib.SequenceMatcher` ratio) a key must be to one of deckbuilder's to
be taken for its misspelling: ``tgas`` is, ``site`` and ``images`` are not."""
