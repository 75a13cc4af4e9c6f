"""The records that flow between the pipeline's stages.

``read`` turns a source file into a :class:`Document` (:mod:`.document`), ``extract`` turns a
document into :class:`Card` records (:mod:`.cards`), ``render`` and ``identify`` turn cards into
:class:`Note` records, gathered into a :class:`DeckPlan` (:mod:`.notes`). Every record that came
from a file carries its :class:`Origin`. Import them from here: ``from builder.model import Card``.
"""

from .cards import (
    KINDS,
    WAYS,
    Blocks,
    Card,
    ClozeText,
    Gap,
    Items,
    Kind,
    Pairs,
    Part,
    Segment,
    Skipped,
    Snippet,
    Text,
    Way,
    breadcrumb,
    unknown_part,
)
from .document import (
    Block,
    Code,
    Diagnostic,
    Document,
    Inline,
    Item,
    ListBlock,
    Origin,
    Other,
    Paragraph,
    Section,
    Table,
    inline_runs,
    one_line,
)
from .notes import DeckPlan, MediaFile, Note, SourceResult
from .notetype import Look, NoteType, Template

__all__ = [
    "KINDS",
    "WAYS",
    "Block",
    "Blocks",
    "Card",
    "ClozeText",
    "Code",
    "DeckPlan",
    "Diagnostic",
    "Document",
    "Gap",
    "Inline",
    "Item",
    "Items",
    "Kind",
    "ListBlock",
    "Look",
    "MediaFile",
    "Note",
    "NoteType",
    "Origin",
    "Other",
    "Pairs",
    "Paragraph",
    "Part",
    "Section",
    "Segment",
    "Skipped",
    "Snippet",
    "SourceResult",
    "Table",
    "Template",
    "Text",
    "Way",
    "breadcrumb",
    "inline_runs",
    "one_line",
    "unknown_part",
]
