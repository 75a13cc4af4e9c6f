"""A code block that shows what a program wrote rather than code to recall (:mod:`.code`): a
console session whose lines are not mostly commands, or plain text holding a compiler's errors,
``time``'s report, or under a caption announcing output; and which lines of a block are commands
typed at a prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygments.lexers.shell import ShellSessionBaseLexer
from pygments.lexers.special import OutputLexer, TextLexer
from pygments.token import Generic

from ..highlight import LexedLine, kind_name, lexer_for
from ..model import Code

_PROMPT_KIND = str(Generic.Prompt)
_PROMPT = re.compile(r"^\s*(?:\$|PS(?: [^>]*)?>)\s")
"""A shell prompt in a block with no language: the line is a command."""
_OUTPUT_LINE = re.compile(
    r"^(?:error|warning)(?:\[\w+\])?: |^\s*--> \S+:\d+|^\S+:\d+:\d+: (?:error|warning)"
    r"|^Traceback \(most recent call last\)|^Exception in thread |^(?:real|user|sys)\s+\d+m[\d.]+s$"
)
"""A line only a program writes: a compiler's error (``error[E0382]: …``, `` --> src/main.rs:5:28``),
a traceback, ``time``'s report (``real 0m1.2s``)."""
_OUTPUT_CAPTION = re.compile(
    r"(?:\b(?:output|outputs|prints|result)(?:\s+is)?|输出|输出结果|运行结果|执行结果|结果|出力|実行結果|結果)"
    r"(?:如下|为|は)?\s*[:：]?\s*$",
    re.IGNORECASE,
)
"""A caption that announces a program's output (``Output:``, ``输出：``, ``运行结果：``)."""


def _session(lexer: object) -> bool:
    return isinstance(lexer, ShellSessionBaseLexer)


def typed_lines(lines: list[str], lexed: Sequence[LexedLine], session: bool) -> list[bool]:
    """For each line, whether it is a command typed at a prompt (or goes on with one)."""
    found: list[bool] = []
    for n, (line, tokens) in enumerate(zip(lines, lexed, strict=False)):
        if session:
            typed = any(kind_name(kind).startswith(_PROMPT_KIND) for kind, _ in tokens[:2])
        else:
            typed = _PROMPT.match(line) is not None
        goes_on = n > 0 and found[-1] and lines[n - 1].rstrip().endswith(("\\", "`", "^", "|"))
        found.append(typed or goes_on)
    return found


def program_output(code: Code, lexed: Sequence[LexedLine], caption: str | None) -> bool:
    """A block that shows what a program wrote rather than code to recall: a console session
    whose lines are not mostly commands, or a block of plain text (or no language) holding a
    compiler's errors, ``time``'s report, or under a caption announcing output."""
    lexer = lexer_for(code.lang)
    session = _session(lexer)
    if not (session or lexer is None or isinstance(lexer, (TextLexer, OutputLexer))):
        return False
    lines = code.text.split("\n")
    filled = [n for n, line in enumerate(lines) if line.strip()]
    typed = typed_lines(lines, lexed, session)
    commands = sum(1 for n in filled if typed[n])
    if commands:
        return commands * 2 <= len(filled)
    if session:
        return bool(filled)  # output alone, no command
    if any(_OUTPUT_LINE.search(lines[n]) for n in filled):
        return True
    return caption is not None and _OUTPUT_CAPTION.search(caption.strip()) is not None
