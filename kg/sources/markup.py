"""The registry's markdown fields as plain text: API v2's backslash escapes undone, and written again.

API v2 (and the study page, which shows its text) gives the fields the registry keeps as markdown
(summaries, descriptions, eligibility criteria, ...) with the characters markdown would read as markup
escaped by a backslash: ``\\<``, ``\\>``, ``\\[``, ``\\*``, ``\\_``, ``\\^``, ``\\~``, ``\\&``, ``3\\.`` at the
start of a line. Titles, names, labels, measures and time frames are plain text and never escaped. The
legacy XML has no escapes: :func:`plain` makes the same text from both.

:func:`plain` undoes a backslash before ASCII punctuation, as a markdown reader does (``\\\\`` is one
backslash); :func:`escaped` writes a plain text back the way the page shows it, so that
``plain(escaped(text)) == text`` for every text.
"""

from __future__ import annotations

import re

#: A backslash escape: a backslash and one ASCII punctuation character (CommonMark's escapable set).
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: What API v2 escapes wherever it stands (as the seed page and the corpus show), and the backslash itself.
_INLINE = re.compile(r"([\\<>\[\]&^~_])")


def plain(text: str | None) -> str | None:
    """A markdown field's text with its backslash escapes undone (``1×10\\^6`` -> ``1×10^6``); a value that is
    not a string is left for the record checks (:mod:`kg.sources.checks`) to name."""
    return _ESCAPE.sub(r"\1", text) if isinstance(text, str) else text


def escaped(text: str) -> str:
    """A plain text as the page shows it: ``<``, ``>``, ``[``, ``]``, ``&``, ``^``, ``~``, ``_`` and ``\\`` escaped."""
    return _INLINE.sub(r"\\\1", text)
