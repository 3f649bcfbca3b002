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
variant's last word and the next row (``trim``); a transposition's rows are its passage's, at
both places, and its label and the link to its other place are in ``moves``. :func:`family_data`
checks that rule against each variant's own readings and keeps in the HTML the pop-ups it does
not give exactly.

The rows do not repeat the base text, which the reading view already holds: a base cell is a
count of UTF-16 units of the reading view's text (its paragraphs' text, less the marks, the added
text previews and the pop-ups), taken in order, with the text between paragraphs written out. And
a cell that differs from an earlier cell of its row by a few words is written as an edit of it
(:func:`edit_ops`). At 20,000 documents that took the family pages from 54 to about 42 KB each;
:func:`read_rows` reads the island back as the script does, and :func:`family_data` checks every
row against it.

A document page's table of passages (a row per passage, a dozen or more on a page of a family
member, and four thousand such pages at 20,000 documents) goes the same way: each row as a short
array, each other document's name and file once, and a passage's opening words left to the script,
which reads them from the passage's marks in the text (:func:`passage_data`).

Each island is written with Jinja2's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``, so no
document text can close the element (``</script``) or open a comment (``<!--``) in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from variorum.collate.reading import SYMBOL
from variorum.export.report.document import EXCERPT_CHARS
from variorum.export.report.family import short
from variorum.export.report.links import Links

#: The shape of the islands; the page's script reads this version.
PAGE_DATA_VERSION = 1
#: The shape of a family page's island. Version 2: base cells count the reading view's text,
#: other cells may be edits of an earlier cell of their row, and ``moves`` gives what the
#: script needs to build a transposition's pop-up.
FAMILY_DATA_VERSION = 2

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


# Edits work on words and single other characters, each with the whitespace after it: a formal
# variant (a comma, a hyphenated line break) or a changed word is then one short edit, not a
# whole cell.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
# A cell is written as an edit only when that saves at least this many bytes of JSON: an edit
# costs the script a little work, which a few bytes do not pay for.
_EDIT_MIN_SAVING = 8
# At most this many earlier cells of a row are tried as the model of an edit (the base cell
# and the nearest ones), so that a family of many witnesses costs no more than a few.
_EDIT_MODELS = 4
# difflib's time grows with the product of the lengths it compares (in tokens, less the common
# ends): past this, the cell is written out rather than spend that time. At 20,000 documents the
# largest product was under half of it; it bounds the time of a pathological page.
_EDIT_MIDDLE = 40_000
# A model is tried only when its length is within these bounds of the cell's.
_EDIT_LENGTHS = (0.5, 2.0)
# Characters an HTML parser does not hand back as they were written (it turns CR into LF and
# drops NUL): a reading view holding one cannot stand for the base cells.
_NOT_KEPT_BY_HTML = ("\r", "\x00")

Cell = str | int | list[str | int]


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _key(token: str) -> str:
    """What a token is matched by: any run of whitespace after it matches any other (a reflowed
    line), and the token where it differs is written out."""
    word = token.rstrip()
    return word + " " if len(word) < len(token) else word


class _Edit:
    """The ops of an edit as they are found, skips and writes between two copies gathered into
    one skip and one write (the order of those does not change the text)."""

    def __init__(self) -> None:
        self.ops: list[str | int] = []
        self.skip = 0
        self.write: list[str] = []

    def _flush(self) -> None:
        if self.skip:
            self.ops.append(-self.skip)
        if self.write:
            self.ops.append("".join(self.write))
        self.skip, self.write = 0, []

    def same(self, old: list[str], new: list[str]) -> None:
        """Tokens that match (:func:`_key`): copied where equal, else rewritten."""
        if old == new:
            if old:
                self._copy(_utf16("".join(old)))
            return
        for x, y in zip(old, new, strict=True):
            word = x.rstrip()  # the same in both; only the whitespace after it may differ
            self._copy(_utf16(x if x == y else word))
            if x != y:
                self.differ([x[len(word) :]], [y[len(word) :]])

    def _copy(self, units: int) -> None:
        if not units:
            return
        self._flush()
        if self.ops and isinstance(self.ops[-1], int) and self.ops[-1] > 0:
            self.ops[-1] += units
        else:
            self.ops.append(units)

    def differ(self, old: list[str], new: list[str]) -> None:
        self.skip += _utf16("".join(old))
        self.write.extend(new)

    def done(self) -> list[str | int]:
        self.skip = 0  # what is skipped at the end need not be said
        self._flush()
        return self.ops


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The tokens of ``text`` and their keys (:func:`_key`)."""
    tokens = _TOKEN.findall(text)
    return tokens, [_key(t) for t in tokens]


def edit_ops(
    model: str, text: str, tokens: Callable[[str], tuple[list[str], list[str]]] = _tokens
) -> list[str | int] | None:
    """``text`` as an edit of ``model``, word by word: a number n > 0 copies the next n UTF-16
    units of the model, -n skips n units, a string is written as it is (:func:`apply_edit`);
    None where they differ in too much for an edit to be worth its time. ``tokens`` may be a
    cached :func:`_tokens`."""
    (a, ka), (b, kb) = tokens(model), tokens(text)
    # Most cells differ from their model in one place: match the common ends directly and leave
    # only the middle to difflib, which costs the square of what it is given.
    head = 0
    while head < min(len(a), len(b)) and ka[head] == kb[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and ka[-1 - tail] == kb[-1 - tail]:
        tail += 1
    if (len(a) - head - tail) * (len(b) - head - tail) > _EDIT_MIDDLE:
        return None
    edit = _Edit()
    edit.same(a[:head], b[:head])
    middle = SequenceMatcher(None, ka[head : len(a) - tail], kb[head : len(b) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        old, new = a[head + i1 : head + i2], b[head + j1 : head + j2]
        if tag == "equal":
            edit.same(old, new)
        else:
            edit.differ(old, new)
    edit.same(a[len(a) - tail :], b[len(b) - tail :])
    return edit.done()


def _units(text: str, start: int, end: int) -> str:
    """``text[start:end]`` counted in UTF-16 units, as the script slices a string."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def apply_edit(model: str, ops: list[str | int]) -> str:
    """The text that :func:`edit_ops` wrote as an edit of ``model`` (the script does the same)."""
    out, pos = [], 0
    for op in ops:
        if isinstance(op, str):
            out.append(op)
        elif op > 0:
            out.append(_units(model, pos, pos + op))
            pos += op
        else:
            pos -= op
    return "".join(out)


def read_rows(rows: list[dict[str, Any]], reading_text: str) -> list[list[str]]:
    """Every cell's text of the island's ``rows`` as the script reads it, ``reading_text`` being
    the reading view's text (:func:`reading_text`). A base cell (the first) is a string, a
    number of units of the reading text taken in order, or a list of both; another cell is a
    string, the number of an earlier cell of its row that reads the same, or a list
    ``[that number, *edit]`` (:func:`apply_edit`)."""
    pos = 0
    out = []
    for row in rows:
        texts: list[str] = []
        for k, cell in enumerate(row["c"]):
            if k == 0:
                parts = []
                for part in cell if isinstance(cell, list) else [cell]:
                    if isinstance(part, int):
                        parts.append(_units(reading_text, pos, pos + part))
                        pos += part
                    else:
                        parts.append(part)
                texts.append("".join(parts))
            elif isinstance(cell, int):
                texts.append(texts[cell])
            elif isinstance(cell, list):
                texts.append(apply_edit(texts[cell[0]], cell[1:]))
            else:
                texts.append(cell)
        out.append(texts)
    return out


def reading_text(view: dict[str, Any]) -> str:
    """The text of the reading view's paragraphs in the order the page shows them, without the
    marks, previews of added text and pop-ups: the base text's paragraphs, whole."""

    def walk(pieces: list[dict[str, Any]]) -> Iterator[str]:
        for p in pieces:
            if "variant" in p:
                yield from walk(p["children"])
            else:
                yield p["text"]

    return "".join(t for para in view["reading"] for t in walk(para["pieces"]))


def _paragraph_texts(view: dict[str, Any]) -> list[str]:
    return [reading_text({"reading": [para]}) for para in view["reading"]]


def _base_cells(texts: list[str], paragraphs: list[str]) -> list[Cell] | None:
    """The base cells ``texts`` as counts of the reading view's text (its ``paragraphs``, which
    stand in the base text in order) and the text between paragraphs, written out; None where
    the paragraphs are not found in order in the cells."""
    full = "".join(texts)
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in paragraphs:
        if not para:
            continue
        at = full.find(para, pos)
        if at < 0:
            return None
        spans.append((at, at + len(para)))
        pos = at + len(para)
    out: list[Cell] = []
    start, i = 0, 0
    for text in texts:
        end = start + len(text)
        parts: list[str | int] = []
        x = start
        while x < end:
            while i < len(spans) and spans[i][1] <= x:
                i += 1
            if i < len(spans) and spans[i][0] <= x:
                y = min(end, spans[i][1])
                parts.append(_utf16(full[x:y]))
            else:
                y = min(end, spans[i][0]) if i < len(spans) else end
                parts.append(full[x:y])
            x = y
        out.append(parts[0] if len(parts) == 1 else parts if parts else "")
        start = end
    return out


def _edits(row: dict[str, Any], texts: list[str]) -> None:
    """Write each cell of ``row`` (compacted, ``texts`` its cells' texts) that is a string as an
    edit of an earlier cell, where that is shorter."""
    cells = row["c"]
    tokens = lru_cache(maxsize=None)(_tokens)
    for k in range(1, len(cells)):
        cell = cells[k]
        if not isinstance(cell, str) or len(cell) <= _EDIT_MIN_SAVING:
            continue
        models = [j for j in range(k) if texts[j] and not isinstance(cells[j], int)]
        models = sorted({*models[:1], *models[-(_EDIT_MODELS - 1) :]})
        best, size = cell, _json_size(cell) - _EDIT_MIN_SAVING
        for j in models:
            if not _EDIT_LENGTHS[0] * len(cell) <= len(texts[j]) <= _EDIT_LENGTHS[1] * len(cell):
                continue  # too unlike the cell for an edit of it to be short
            ops = edit_ops(texts[j], cell, tokens)
            if ops is None:
                continue
            edit = [j, *ops]
            if _json_size(edit) < size:
                best, size = edit, _json_size(edit)
        cells[k] = best


def _compact_rows(rows: list[dict[str, Any]], paragraphs: list[str]) -> list[dict[str, Any]]:
    """The island's rows (:func:`compact_row`) with the base cells counted in the reading view's
    text (the ``paragraphs``) and cells written as edits where shorter; the rows of
    :func:`compact_row` alone where the result would not read back the same."""
    plain = [compact_row(r, k) for k, r in enumerate(rows)]
    expected = [[c if isinstance(c, str) else row["c"][c] for c in row["c"]] for row in plain]
    text = "".join(paragraphs)
    base = None
    if not any(ch in text for ch in _NOT_KEPT_BY_HTML):
        base = _base_cells([texts[0] if texts else "" for texts in expected], paragraphs)
    out = []
    for row, texts, cell in zip(plain, expected, base or [None] * len(plain), strict=True):
        row = {**row, "c": list(row["c"])}
        if cell is not None and row["c"]:
            row["c"][0] = cell
        _edits(row, texts)
        out.append(row)
    if read_rows(out, text if base is not None else "") != expected:
        return plain  # not expected to happen; the plain rows are always right
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
    pop-ups stay in its HTML: in the static report, any variant whose readings the rows do not
    give; in the web app, all of them (its pages are sent whole).

    A variant's rows are those that name it (``v``), a transposition's those of its passage at
    both places (``m``), where each witness has it at one. A transposition's pop-up also says
    how far the passage moved and links its other place, which the rows do not tell: the
    island's ``moves`` gives them (label, the other place's id or None, the sigla there).

    ``reading_chars`` is where the pop-ups cut a reading (the view's groups are cut there too).
    """
    sbs = view["side_by_side"]
    rows = sbs["rows"]
    witness_ids = [w["id"] for w in view["witnesses"]]
    by_variant: dict[str, list[dict[str, Any]]] = {}
    by_move: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("variant"):
            by_variant.setdefault(r["variant"], []).append(r)
        if r.get("move"):
            by_move.setdefault(r["move"], []).append(r)
    in_html = set()
    trim: dict[str, list[int]] = {}
    moves: dict[str, list[Any]] = {}
    for e in view["variants"]:
        if e["wrapper"]:
            continue  # not in the reading view
        moved = e["kind"] == "transposition"
        trims = _trims(e, (by_move if moved else by_variant).get(e["id"], []), witness_ids)
        if not static or trims is None:
            in_html.add(e["id"])
            continue
        if any(trims):
            trim[str(e["number"])] = trims
        if moved:
            moves[str(e["number"])] = [e["label"], e["other_place"], *e["here"]]
    script = {
        "version": FAMILY_DATA_VERSION,
        "sigla": [w["siglum"] for w in view["witnesses"]],
        "symbols": SYMBOL,
        "cut": reading_chars,
        "trim": trim,
        "moves": moves,
        "rows": _compact_rows(rows, _paragraph_texts(view)),
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


__all__ = [
    "FAMILY_DATA_VERSION",
    "PAGE_DATA_VERSION",
    "FamilyData",
    "apply_edit",
    "compact_row",
    "edit_ops",
    "family_data",
    "passage_data",
    "read_rows",
    "reading_text",
]
