"""The terminal apparatus: the earliest witness as base text, each variant marked in place and
listed under its paragraph, with colour *and* a symbol per kind (readable without colour)."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

from variorum.collate.model import Collation, Variant

_CLOSING = re.compile(r"[^\w\s]*")
SYMBOL = {"addition": "+", "omission": "−", "substitution": "~", "transposition": "↔"}
STYLE = {"addition": "green", "omission": "red", "substitution": "yellow", "transposition": "magenta"}


def _anchor(c: Collation, v: Variant) -> tuple[int, int, int]:
    """Where the variant sits in the base witness: (paragraph, start, end) of its base text."""
    base = c.witnesses[0]
    span = v.spans.get(base.id)
    cols = c.table.columns
    if span is not None:
        tok = next(col[0] for col in cols[v.columns[0] : v.columns[1]] if col[0] is not None)
        return base.paragraph[tok], span[0], span[1]
    for k in range(v.columns[0] - 1, -1, -1):
        tok = cols[k][0]
        if tok is not None:
            end = base.tokens.ends[tok]
            return base.paragraph[tok], end, end
    return (base.paragraph[0] if base.paragraph else 0), 0, 0


def render(c: Collation, console: Console, *, formal: bool = False) -> None:
    """Print the apparatus: sigla, then each base paragraph followed by its variants."""
    ws = c.witnesses
    sigla = {w.id: chr(ord("A") + k) if k < 26 else f"W{k + 1}" for k, w in enumerate(ws)}
    console.print(Text("Witnesses", style="bold"))
    for w in ws:
        console.print(f"  {sigla[w.id]}  {w.date or '?':10}  {w.label or w.id}")
    shown = [v for v in c.variants if (v.substantive or formal) and not v.wrapper]
    hidden = sum(1 for v in c.variants if not v.substantive and not v.wrapper) if not formal else 0
    console.print(
        f"\n{len(shown)} variants shown ({hidden} formal ones hidden: --all shows them); "
        f"base text: {sigla[ws[0].id]}\n"
    )
    if not ws or not ws[0].tokens.norms:
        return
    base = ws[0]
    by_para: dict[int, list[tuple[int, int, int, Variant]]] = {}
    for n, v in enumerate(shown, 1):
        para, start, end = _anchor(c, v)
        by_para.setdefault(para, []).append((start, end, n, v))
    paragraphs: dict[int, tuple[int, int]] = {}
    for tok, para in enumerate(base.paragraph):
        s, e = base.tokens.starts[tok], base.tokens.ends[tok]
        lo, hi = paragraphs.get(para, (s, e))
        paragraphs[para] = (min(lo, s), max(hi, e))
    for para in sorted(paragraphs):
        lo, hi = paragraphs[para]
        marks = sorted(by_para.get(para, []))
        line = Text()
        pos = lo
        for start, end, n, v in marks:
            start, end = max(start, pos), max(end, pos)
            line.append(base.text[pos:start])
            if end > start:
                line.append(base.text[start:end], style=f"underline {STYLE[v.kind]}")
            line.append(f"[{SYMBOL[v.kind]}{n}]", style=f"bold {STYLE[v.kind]}")
            pos = end
        closing = _CLOSING.match(base.text, hi)
        line.append(base.text[pos : closing.end() if closing else hi])
        console.print(line)
        for _start, _end, n, v in marks:
            groups: dict[str, list[str]] = {}
            for w in ws:
                groups.setdefault(" ".join(v.readings.get(w.id, "").split()) or "(nothing)", []).append(
                    sigla[w.id]
                )
            label = v.kind if not v.subtype else f"{v.kind}, {v.subtype}"
            if v.move is not None:
                label += f", {v.move.size} words moved over {v.move.distance}"
            entry = Text(f"   {SYMBOL[v.kind]}{n} {label}: ", style=STYLE[v.kind])
            entry.append("  |  ".join(f"{_short(r)} {''.join(s)}" for r, s in groups.items()))
            console.print(entry)
        console.print()
    if c.claims:
        console.print(Text("Claims that changed", style="bold"))
        for cl in c.claims:
            vals = "  |  ".join(f"{sigla[w.id]}: {cl.readings.get(w.id) or '—'}" for w in ws)
            console.print(f"  {cl.kind} {cl.change}: {vals}")
    if c.stemma.edges:
        console.print(Text("\nStemma", style="bold"))
        name = {w.id: sigla[w.id] for w in ws}
        for e in c.stemma.edges:
            console.print(
                f"  {name.get(e.parent, e.parent)} → {name.get(e.child, e.child)}  "
                f"(confidence {e.confidence:.2f}; {'; '.join(e.evidence[:3])})"
            )


def _short(text: str, n: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"
