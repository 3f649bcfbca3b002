"""The terminal apparatus: the earliest witness as base text, each variant marked in place and
listed under its paragraph, with colour *and* a symbol per kind (readable without colour).

Where variants sit in the base text is worked out by :mod:`variorum.collate.reading`, which the
HTML report shares; this module only draws it with rich. Every line is a ``Text``, never a markup
string: labels, claims and evidence come from the documents, and "[draft]" or ":smile:" in them
is text."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from variorum.collate.model import Collation
from variorum.collate.reading import (
    SYMBOL,
    Piece,
    reading_groups,
    reading_paragraphs,
    sigla,
    variant_label,
)

STYLE = {"addition": "green", "omission": "red", "substitution": "yellow", "transposition": "magenta"}


def _draw(pieces: list[Piece], line: Text, style: str = "") -> None:
    """Append pieces to ``line``: marked text underlined in its kind's colour, then its marker."""
    for piece in pieces:
        if piece.mark is None:
            line.append(piece.text, style=style or None)
            continue
        kind = piece.mark.variant.kind
        _draw(piece.children, line, f"underline {STYLE[kind]}")
        line.append(f"[{SYMBOL[kind]}{piece.mark.number}]", style=f"bold {STYLE[kind]}")


def render(c: Collation, console: Console, *, formal: bool = False) -> None:
    """Print the apparatus: sigla, then each base paragraph followed by its variants."""
    ws = c.witnesses
    names = sigla(ws)
    # Drawn into one Text and printed once: ~100 separate prints cost most of the drawing time.
    lines: list[Text] = []
    emit = lines.append
    emit(Text("Witnesses", style="bold"))
    for w in ws:
        emit(Text(f"  {names[w.id]}  {w.date or '?':10}  {w.label or w.id}"))
    shown = [v for v in c.variants if (v.substantive or formal) and not v.wrapper]
    hidden = sum(1 for v in c.variants if not v.substantive and not v.wrapper) if not formal else 0
    emit(
        console.render_str(  # as print() would draw the string: the console's highlighting
            f"\n{len(shown)} variants shown ({hidden} formal ones hidden: --all shows them); "
            f"base text: {names[ws[0].id] if ws else '?'}\n"
        )
    )
    for para in reading_paragraphs(c, list(enumerate(shown, 1))):
        line = Text()
        _draw(para.pieces, line)
        emit(line)
        for mark in para.marks:
            if mark.moved_here:
                continue
            v = mark.variant
            entry = Text(f"   {SYMBOL[v.kind]}{mark.number} {variant_label(v)}: ", style=STYLE[v.kind])
            entry.append(
                "  |  ".join(
                    f"{_short(text) or '(nothing)'} {''.join(names[w] for w in wids)}"
                    for text, wids in reading_groups(v, ws)
                )
            )
            emit(entry)
        emit(Text())
    if c.claims:
        emit(Text("Claims that changed", style="bold"))
        for cl in c.claims:
            vals = "  |  ".join(f"{names[w.id]}: {cl.readings.get(w.id) or '—'}" for w in ws)
            emit(Text(f"  {cl.kind} {cl.change}: {vals}"))
    if c.stemma.edges:
        emit(Text("\nStemma", style="bold"))
        name = names
        for e in c.stemma.edges:
            emit(
                Text(
                    f"  {name.get(e.parent, e.parent)} → {name.get(e.child, e.child)}  "
                    f"(confidence {e.confidence:.2f}; {'; '.join(e.evidence[:3])})"
                )
            )
    console.print(Text("\n").join(lines))


def _short(text: str, n: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"
