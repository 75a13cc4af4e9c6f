"""A card file's YAML nodes read as their author wrote them (never constructed into Python
objects), and the :class:`Checker` that reads a card file's mappings and tags and its Markdown,
collecting a diagnostic at the line of each problem.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model import Block, Diagnostic, Origin
from ..read import snippet_blocks

TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = (TAG + "str", TAG + "int", TAG + "float")
TEXT_FIELDS = ("front", "back", "cloze")
_TAGS_MESSAGE = "tags must be a list of words without spaces"


def line_of(node: Node) -> int:
    """The line a node starts on (the first is 1)."""
    return node.start_mark.line + 1


def key_name(node: Node) -> str:
    """A mapping key as the author wrote it."""
    if isinstance(node, ScalarNode):
        return str(node.value)
    return "[…]" if isinstance(node, SequenceNode) else "{…}"


def text_of(node: Node) -> str | None:
    """A string or number scalar's text as written ('' for null); None when it is not text."""
    if isinstance(node, ScalarNode):
        if node.tag == TAG + "null":
            return ""
        if node.tag in _TEXT_TAGS:
            return str(node.value)
    return None


def content_line(node: Node) -> int:
    """The line a scalar's text starts on (a ``|`` or ``>`` block starts below its key)."""
    block = isinstance(node, ScalarNode) and node.style in ("|", ">")
    return line_of(node) + (1 if block else 0)


Field = tuple[Node, Node]
"""A mapping entry: the key's node and the value's."""


class Checker:
    """Reads a card file's nodes, collecting diagnostics (the base of the card file's loader)."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Diagnostic] = []

    def error(self, where: Node | int | None, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where) if where is not None else 1
        self.problems.append(Diagnostic(Origin(self.shown, line), "error", message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Diagnostic(Origin(self.shown, line), "warning", message))

    def fields(self, node: MappingNode) -> dict[str, Field]:
        """A mapping's entries by key name; a repeated key is an error and the first one counts."""
        found: dict[str, Field] = {}
        for key, value in node.value:
            name = key_name(key)
            if name in found:
                self.error(key, f"duplicate key “{name}”")
            else:
                found[name] = (key, value)
        return found

    def tags(self, field: Field | None) -> tuple[str, ...] | None:
        """A ``tags:`` list of words; None (and an error) when it is something else."""
        if field is None:
            return ()
        key, value = field
        if isinstance(value, ScalarNode) and value.tag == TAG + "null":
            return ()
        items = value.value if isinstance(value, SequenceNode) else [None]
        words = [text_of(item) if item is not None else None for item in items]
        if not all(word and not any(char.isspace() for char in word) for word in words):
            self.error(key, _TAGS_MESSAGE)
            return None
        return tuple(word for word in words if word)

    def errors(self) -> int:
        """How many errors were found so far."""
        return sum(1 for problem in self.problems if problem.level == "error")

    def blocks(self, text: str, line: int, name: str, ident: str) -> tuple[Block, ...]:
        """Markdown text as blocks whose origins are lines of the YAML file (``line``: its first).

        The text is read with a blank line in front, so a leading ``---`` stays a rule and never
        becomes front matter; token lines are then moved onto the YAML file's. A heading has no
        place in an answer: it is kept as a paragraph of its text, with a warning.
        """
        blocks, headings, problems = snippet_blocks(text, self.shown, line)
        self.problems.extend(problems)
        if headings:
            self.warning(line, f"{name} of card “{ident}” has headings; they are shown as text")
        return tuple(blocks)
