"""Control characters: the one definition of what they are, and the three places they must not
reach, each named for its reason."""

from __future__ import annotations

import re

C0 = "\x00-\x1f"
"""The C0 controls (a tab, a newline and a carriage return among them)."""
DEL = "\x7f"
C1 = "\x80-\x9f"
"""The C1 controls (U+0085, the next line, among them)."""
_C0_BUT_LAYOUT = "\x00-\x08\x0b\x0c\x0e-\x1f"
"""The C0 controls but a tab, a newline and a carriage return, which are text's layout."""
REORDERING = "\u2028\u2029\u202a-\u202e\u2066-\u2069"
"""The line and paragraph separators, and the embeddings, overrides and isolates that reorder
bidirectional text."""

IN_FIELD = re.compile(f"[{_C0_BUT_LAYOUT}{DEL}{C1}]")
"""What a note field must never hold (a tab, newline and carriage return are text): U+001F
separates Anki's note fields, and one in a field makes a deck Anki refuses."""
IN_NAME = re.compile(f"[{C0}{DEL}]")
"""What a deck name or a tag never holds: Anki takes them out (a newline, a tab, ``\\x1f``)."""
IN_MESSAGE = re.compile(f"[{C0}{DEL}{C1}{REORDERING}]")
"""What a terminal or a log would act on rather than show: every control (a newline, a carriage
return, the escape that starts a terminal sequence), and what reorders bidirectional text."""
