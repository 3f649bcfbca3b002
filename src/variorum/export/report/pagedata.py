"""The data the static report's pages hand to their script, where that is smaller than the HTML
it stands for: a family page's side-by-side rows (from which the script also builds the reading
view's pop-ups) and a document page's table of passages.

A family page holds each witness's text twice: as the side-by-side rows (every witness, row by
row, so the reader can pick any pair) and, through the pop-ups of the reading view, as the
readings of every variant. At a thousand families (20,000 documents) the report was 120 MB, 34 MB
of it those two. Here the rows go into one JSON island (``<script type="application/json">``, which never
runs and needs no CSP allowance) in which a cell that reads like an earlier cell of its row is
written as that cell's number, and the pop-ups are left out of the HTML: a variant's reading in a
witness is its cells over the variant's rows, whitespace folded, less the punctuation between the
variant's last word and the next row (``trim``). :func:`family_data` checks that rule against
each variant's own readings and keeps in the HTML the pop-ups it does not give exactly
(transpositions, whose two places and label the rows do not tell, always).

A document page's table of passages (a row per passage, a dozen or more on a page of a family
member, and four thousand such pages at 20,000 documents) goes the same way: each row as a short
array, each other document's name and file once, and a passage's opening words left to the script,
which reads them from the passage's marks in the text (:func:`passage_data`).

Each island is written with Jinja2's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``, so no
document text can close the element (``</script``) or open a comment (``<!--``) in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from variorum.collate.reading import SYMBOL
from variorum.export.report.document import EXCERPT_CHARS
from variorum.export.report.family import short
from variorum.export.report.links import Links

#: The shape of the island; the page's script reads this version.
PAGE_DATA_VERSION = 1

# Whitespace runs as HTML collapses them (ASCII whitespace only; a no-break space stays): two
# cells equal after this read the same in the side-by-side view, where text is not preformatted.
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")


def _utf16(text: str) -> int:
    """Length in UTF-16 code units, as the page's script counts a string."""
    return len(text.encode("utf-16-le")) // 2


def _fold(text: str) -> str:
    """Whitespace folded as the pop-ups fold a reading (Python's idea of whitespace; the script
    spells out the same set)."""
    return " ".join(text.split())


def _cells(row: dict[str, Any]) -> list[str | int]:
    """A row's cells: the text, or the number of the first earlier cell that reads the same."""
    first: dict[str, int] = {}
    out: list[str | int] = []
    for k, cell in enumerate(row["cells"]):
        text = cell["text"]
        if not text:
            out.append("")
            continue
        key = _HTML_SPACE.sub(" ", text)
        if key in first:
            out.append(first[key])
        else:
            first[key] = k
            out.append(text)
    return out


def compact_row(row: dict[str, Any], position: int) -> dict[str, Any]:
    """One side-by-side row (:func:`~variorum.export.report.sidebyside.side_by_side`) for the
    island: ``c`` cells, then only what is not the default: ``g`` and ``f`` group numbers (all
    0), ``p`` witnesses starting a paragraph, ``v`` variant, ``m`` move, ``l`` move link, ``i``
    id (``r<position + 1>``). A row's kind and symbol are its variant's, read from the page."""
    cells = row["cells"]
    out: dict[str, Any] = {"c": _cells(row)}
    for key in ("g", "f"):
        groups = [cell[key] for cell in cells]
        if any(groups):
            out[key] = groups
    para = [k for k, cell in enumerate(cells) if cell["para"]]
    if para:
        out["p"] = para
    for key, name in (("v", "variant"), ("m", "move"), ("l", "move_link")):
        if row.get(name):
            out[key] = row[name]
    if row["id"] != f"r{position + 1}":
        out["i"] = row["id"]
    return out


@dataclass(frozen=True)
class FamilyData:
    """``script``: the island's JSON; ``popups_in_html``: ids of the variants whose pop-up the
    page carries in its HTML (the script builds the others)."""

    script: dict[str, Any]
    popups_in_html: frozenset[str]


def _trims(entry: dict[str, Any], rows: list[dict[str, Any]], witness_ids: list[str]) -> list[int] | None:
    """For each witness, how many UTF-16 units to cut from its folded cells over ``rows`` to get
    its folded reading of the variant ``entry``; None when the cells do not give the readings
    (then the pop-up stays in the HTML)."""
    if not rows:
        return None
    trims = []
    for k, wid in enumerate(witness_ids):
        cells = _fold("".join(r["cells"][k]["text"] for r in rows))
        reading = _fold(entry["readings"].get(wid, ""))
        if not cells.startswith(reading):
            return None
        trims.append(_utf16(cells) - _utf16(reading))
    return trims


def family_data(view: dict[str, Any], *, static: bool, reading_chars: int) -> FamilyData:
    """The island of a family page (:func:`variorum.export.report.views.family_view`) and which
    pop-ups stay in its HTML: in the static report, transpositions and any variant whose readings
    the rows do not give; in the web app, all of them (its pages are sent whole).

    ``reading_chars`` is where the pop-ups cut a reading (the view's groups are cut there too).
    """
    sbs = view["side_by_side"]
    rows = sbs["rows"]
    witness_ids = [w["id"] for w in view["witnesses"]]
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("variant"):
            by_variant.setdefault(r["variant"], []).append(r)
    in_html = set()
    trim: dict[str, list[int]] = {}
    for e in view["variants"]:
        if e["wrapper"]:
            continue  # not in the reading view
        trims = None if e["kind"] == "transposition" else _trims(e, by_variant.get(e["id"], []), witness_ids)
        if not static or trims is None:
            in_html.add(e["id"])
        elif any(trims):
            trim[str(e["number"])] = trims
    script = {
        "version": PAGE_DATA_VERSION,
        "sigla": [w["siglum"] for w in view["witnesses"]],
        "symbols": SYMBOL,
        "cut": reading_chars,
        "trim": trim,
        "rows": [compact_row(r, k) for k, r in enumerate(rows)],
    }
    return FamilyData(script=script, popups_in_html=frozenset(in_html))


def _marked_openings(view: dict[str, Any], excerpt_chars: int) -> dict[int, str]:
    """Each passage's opening words as the page's script reads them from the marked text: the
    text of its marks, block by block with a space between blocks, folded and cut."""
    blocks: dict[int, list[str]] = {}
    for b in view["blocks"]:
        here: dict[int, list[str]] = {}
        for piece in b["pieces"]:
            for m in piece["marks"]:
                here.setdefault(m["passage"], []).append(piece["text"])
        for pid, parts in here.items():
            blocks.setdefault(pid, []).append("".join(parts))
    return {pid: short(" ".join(parts), excerpt_chars) for pid, parts in blocks.items()}


def passage_data(view: dict[str, Any], links: Links) -> dict[str, Any]:
    """The table of passages of a document page (:func:`variorum.export.report.views.document_view`)
    for its script: ``others``, one ``[id, file, label, date]`` per other document (``number`` 1
    first), and ``rows``, one ``[id, start, end, number, words, identity %, kind, earlier,
    excerpt]`` per passage, in the page's order; ``kind`` is "boilerplate", "version" or
    "reuse", ``earlier`` "a" (here), "b" (there) or None. Links are the static report's.

    ``excerpt`` is None where the script reads the same words from the passage's marks in the
    text (``cut`` characters), which is nearly always: the page already holds them."""
    openings = _marked_openings(view, EXCERPT_CHARS)
    others = [
        [o["id"], links.document(o["id"]), o["label"], o["date"]]
        for o in sorted(view["shared_with"], key=lambda o: o["number"])
    ]
    rows = [
        [
            p["id"],
            p["start"],
            p["end"],
            p["number"],
            p["words"],
            int(f"{100 * float(p['identity']):.0f}"),  # as the pct filter rounds it
            "boilerplate" if p["boilerplate"] else "version" if p["same_family"] else "reuse",
            p["earlier"] if p["earlier"] in ("a", "b") else None,
            None if openings.get(p["id"]) == p["excerpt"] else p["excerpt"],
        ]
        for p in view["passages"]
    ]
    return {"version": PAGE_DATA_VERSION, "cut": EXCERPT_CHARS, "others": others, "rows": rows}


__all__ = ["PAGE_DATA_VERSION", "FamilyData", "compact_row", "family_data", "passage_data"]
