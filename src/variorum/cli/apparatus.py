"""The terminal apparatus: the earliest witness as base text, each variant marked in place and
listed under its paragraph, with colour *and* a symbol per kind (readable without colour).

Where variants sit in the base text is worked out by :mod:`variorum.collate.reading`, which the
HTML report shares; this module only draws it. The drawing is a list of lines of (text, style)
pieces, printed two ways: :func:`render` makes each line a rich ``Text`` (never a markup string:
labels, claims and evidence come from the documents, and "[draft]" or ":smile:" in them is
text), and :func:`plain` joins the pieces' text, which is what rich prints where it prints no
style (a pipe, a file): rich and its ~40 modules (~20 ms of a start) are then not imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from variorum.collate.model import Collation
from variorum.collate.reading import (
    SYMBOL,
    Piece,
    reading_groups,
    reading_paragraphs,
    sigla,
    variant_label,
)

if TYPE_CHECKING:
    from rich.console import Console

STYLE = {"addition": "green", "omission": "red", "substitution": "yellow", "transposition": "magenta"}

#: One piece of a line: its text and its rich style (None: unstyled).
Span = tuple[str, "str | None"]
#: A line of the apparatus: the style of the whole line ("" for none) and its pieces; the
#: summary line is a plain string that rich draws as ``print`` would (with the console's own
#: highlighting).
Line = tuple[str, list[Span]] | str

#: Characters rich's ``Text`` drops (bell, backspace, vertical tab, form feed, carriage return)
#: and the tab it expands to the next multiple of 8 cells: text with any of them goes to rich.
_RICH_CHANGES = frozenset("\a\b\v\f\r\t")


def _draw(pieces: list[Piece], line: list[Span], style: str = "") -> None:
    """Append pieces to ``line``: marked text underlined in its kind's colour, then its marker."""
    for piece in pieces:
        if piece.mark is None:
            line.append((piece.text, style or None))
            continue
        kind = piece.mark.variant.kind
        _draw(piece.children, line, f"underline {STYLE[kind]}")
        line.append((f"[{SYMBOL[kind]}{piece.mark.number}]", f"bold {STYLE[kind]}"))


def lines(c: Collation, *, formal: bool = False) -> list[Line]:
    """The apparatus, line by line: sigla, then each base paragraph followed by its variants."""
    ws = c.witnesses
    names = sigla(ws)
    out: list[Line] = []
    emit = out.append
    emit(("bold", [("Witnesses", None)]))
    for w in ws:
        emit(("", [(f"  {names[w.id]}  {w.date or '?':10}  {w.label or w.id}", None)]))
    shown = [v for v in c.variants if (v.substantive or formal) and not v.wrapper]
    hidden = sum(1 for v in c.variants if not v.substantive and not v.wrapper) if not formal else 0
    emit(
        f"\n{len(shown)} variants shown ({hidden} formal ones hidden: --all shows them); "
        f"base text: {names[ws[0].id] if ws else '?'}\n"
    )
    for para in reading_paragraphs(c, list(enumerate(shown, 1))):
        line: list[Span] = []
        _draw(para.pieces, line)
        emit(("", line))
        for mark in para.marks:
            if mark.moved_here:
                continue
            v = mark.variant
            readings = "  |  ".join(
                f"{_short(text) or '(nothing)'} {''.join(names[w] for w in wids)}"
                for text, wids in reading_groups(v, ws)
            )
            emit(
                (
                    STYLE[v.kind],
                    [(f"   {SYMBOL[v.kind]}{mark.number} {variant_label(v)}: ", None), (readings, None)],
                )
            )
        emit(("", []))
    if c.claims:
        emit(("bold", [("Claims that changed", None)]))
        for cl in c.claims:
            vals = "  |  ".join(f"{names[w.id]}: {cl.readings.get(w.id) or '—'}" for w in ws)
            emit(("", [(f"  {cl.kind} {cl.change}: {vals}", None)]))
    if c.stemma.edges:
        emit(("bold", [("\nStemma", None)]))
        for e in c.stemma.edges:
            edge = (
                f"  {names.get(e.parent, e.parent)} → {names.get(e.child, e.child)}  "
                f"(confidence {e.confidence:.2f}; {'; '.join(e.evidence[:3])})"
            )
            emit(("", [(edge, None)]))
    return out


def render(c: Collation, console: Console, *, formal: bool = False) -> None:
    """Print the apparatus on a rich console, in colour where the console has colour."""
    from rich.text import Text

    drawn: list[Any] = []
    for line in lines(c, formal=formal):
        if isinstance(line, str):
            drawn.append(console.render_str(line))  # as print() would draw the string
            continue
        line_style, pieces = line
        text = Text(style=line_style)
        for piece, style in pieces:
            text.append(piece, style=style)
        drawn.append(text)
    # Drawn into one Text and printed once: ~100 separate prints cost most of the drawing time.
    console.print(Text("\n").join(drawn))


def plain(c: Collation, *, formal: bool = False) -> str | None:
    """What :func:`render` prints on a console that prints no style (``soft_wrap``, no markup,
    emoji or highlighting: the CLI's), newline included; None when the text holds a character
    rich changes (see :data:`_RICH_CHANGES`), for :func:`render` to print instead."""
    text = "\n".join(
        line if isinstance(line, str) else "".join(piece for piece, _ in line[1])
        for line in lines(c, formal=formal)
    )
    if not _RICH_CHANGES.isdisjoint(text):
        return None
    return text + "\n"


def _short(text: str, n: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"
