"""The legacy XML's wrapped text blocks as the registry's text, laid out as API v2 lays it out.

The XML writes free text (``<textblock>``, and a long ``why_stopped`` or ``time_frame``) on its own lines,
indented under the element and wrapped at about 100 columns, each paragraph and each list item followed
by a blank line. Lists are laid out in columns of five: ``  -  text`` or ``  1. text`` (a number right
aligned, `` 10. text``), the text and its wrapped lines at column 5, an item nested one level deeper at
column 10, and so on. A line break inside a paragraph or item is always a wrap (the corpus has none
other), and where a word held a hyphen the wrap may fall just after it (``placebo-`` / ``controlled``).

API v2 gives the same text unwrapped, one line per paragraph or list item, lists as markdown: ``* text``
for a bullet, ``1. text`` for a number, a nested item indented under its parent's text, and no blank line
between the items of a list. :func:`unwrapped` makes that text from the XML's lines.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"( *)(-|\d+\.)( +)(?=\S)")
_HYPHEN_END = re.compile(r"[A-Za-z]-$")
_COLUMN = 5  # the XML's list columns: text at 5, 10, 15 ...


def wrapped(lines: list[str]) -> bool:
    """Whether an element's text (its lines) has the wrapped layout: it starts on a line of its own and
    ends on the indentation of the closing tag."""
    return len(lines) > 2 and not lines[0].strip() and not lines[-1].strip()


def unwrapped(lines: list[str]) -> str:
    """The text of an element in the wrapped layout (see :func:`wrapped`), unwrapped, lists as API v2 writes
    them. The text is indented two columns deeper than the closing tag."""
    base = len(lines[-1]) + 2
    body = [(line[base:] if not line[:base].strip() else line.lstrip()).rstrip() for line in lines[1:-1]]
    out: list[str] = []
    columns: dict[int, int] = {}  # nesting level -> where an item's text starts in the markdown
    previous_item = False
    for paragraph in _paragraphs(body):
        item = _ITEM.match(paragraph[0])
        level = item.end() // _COLUMN - 1 if item and item.end() % _COLUMN == 0 else None
        if item is not None and level is not None:
            marker = "*" if item.group(2) == "-" else item.group(2)
            indent = columns.get(level - 1, 0) if level else 0
            columns = {k: v for k, v in columns.items() if k < level} | {level: indent + len(marker) + 1}
            text = " " * indent + marker + " " + _joined([paragraph[0][item.end() :], *paragraph[1:]])
            out.append(("\n" if previous_item else "\n\n") + text if out else text)
            previous_item = True
            continue
        column = len(paragraph[0]) - len(paragraph[0].lstrip())
        within = column // _COLUMN - 1 if column and column % _COLUMN == 0 else -1
        indent = columns.get(within, 0)
        if not column:
            columns = {}
        text = " " * indent + _joined(paragraph)
        out.append("\n\n" + text if out else text)
        previous_item = False
    return "".join(out)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    found: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            found[-1].append(line)
        elif found[-1]:
            found.append([])
    return [p for p in found if p]


def _joined(lines: list[str]) -> str:
    """A paragraph's wrapped lines as one line: a space at each wrap, none after a word's hyphen."""
    text = lines[0].strip()
    for line in lines[1:]:
        part = line.strip()
        text += ("" if _HYPHEN_END.search(text) and part[:1].isalpha() else " ") + part
    return text
