"""Markdown to plain text, one blank-line-separated block per paragraph.

Decision: the markup is parsed with markdown-it-py (CommonMark plus tables and strikethrough)
rather than stripped with regular expressions. Markdown is context-sensitive (an ``*`` is
emphasis, a list marker or a literal star depending on where it stands; ``\\*`` is a literal; a
``_`` inside a word is not emphasis) and a regex pass gets these wrong in ways that corrupt the
text that is later compared. markdown-it-py is small, pure Python and already installed with
rich.

What comes out: headings, paragraphs, list items, block quotes and code blocks each become one
block; emphasis markers, heading ``#``, bullet markers, block-quote ``>``, images, horizontal
rules, reference definitions and HTML tags (not the text between them) are dropped; a link keeps
its text and an autolink ``<https://…>`` its URL. Numbers of ordered lists are kept ("3. The
Council…"), since in official texts they number paragraphs that other texts refer to. Soft line
breaks are kept as ``\\n`` (the segmenter repairs hard wraps). Anything that is not Markdown
syntax, such as the LaTeX residue ``43^{er}`` of converted documents, stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
# Inline tokens whose text is kept; everything else (markers, images, inline HTML) is dropped.
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_LINE_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})


def markdown_to_text(source: str) -> str:
    """The plain text of a Markdown document, paragraphs separated by blank lines."""
    return "\n\n".join(_blocks(_PARSER.parse(source)))


def _blocks(tokens: Sequence[Token]) -> list[str]:
    blocks: list[str] = []
    number: str | None = None  # the number of the ordered list item whose first block is pending
    in_cell = False
    row: list[str] = []
    table: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "list_item_open":
            number = f"{token.info}{token.markup} " if token.info else None
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline" and in_cell:
            row.append(_inline_text(token.children or []))
        elif kind == "inline":
            text = _inline_text(token.children or [])
            if number is not None:
                text, number = number + text, None
            if text.strip():
                blocks.append(text)
        elif kind in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
        elif kind == "html_block":
            text = _TAG.sub("", token.content).strip()
            if text:
                blocks.append(text)
        elif kind == "tr_close":
            table.append("\t".join(row))
            row = []
        elif kind == "table_close":
            blocks.append("\n".join(table))
            table = []
    return blocks


def _inline_text(children: Sequence[Token]) -> str:
    """Text of a paragraph's inline tokens: markers, images and inline HTML tags contribute nothing."""
    parts: list[str] = []
    for child in children:
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in _LINE_BREAK_TOKENS or (child.type == "html_inline" and _BR.match(child.content)):
            parts.append("\n")
    return "".join(parts)
