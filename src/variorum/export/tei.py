"""A collation as a TEI P5 critical apparatus in parallel segmentation.

Parallel segmentation (TEI Guidelines 12.2.3) is what editors and TEI tools (the Versioning
Machine, TEI Critical Apparatus Toolbox, CollateX's own TEI output) read: the text of one
witness runs on as plain text where all witnesses agree, one ``<p>`` per paragraph of it, and
each variation unit is an ``<app>`` inside its paragraph with one ``<rdg>`` per distinct reading
(readings that differ only in whitespace, a line break say, are one). A transposed passage
appears twice, as an ``<app type="transposition">`` at each of its two places, and the two are
paired in a ``<linkGrp type="transposition">`` at the end of the body.

The document is built with lxml, never by pasting strings, so every reading is escaped. Characters
XML 1.0 cannot carry at all (control characters other than tab and line breaks, lone surrogates)
become U+FFFD. Output is deterministic: the same collation gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from variorum.collate.model import Collation, Move, Table, Variant

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_ID = f"{{{XML_NS}}}id"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD (lxml refuses them)."""
    return _NOT_XML.sub("\ufffd", text)


def _el(parent: etree._Element | None, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """A TEI element, appended to ``parent`` when given, with escaped ``text``."""
    name = f"{{{TEI_NS}}}{tag}"
    element = etree.Element(name, nsmap={None: TEI_NS}) if parent is None else etree.SubElement(parent, name)
    for key, value in attrib.items():
        element.set(_XML_ID if key == "xml_id" else key, xml_safe(value))
    if text is not None:
        element.text = xml_safe(text)
    return element


@dataclass
class _Unit:
    """One ``<app>``: a half-open column range and the variants that fall in it."""

    first: int
    last: int
    variants: list[Variant] = field(default_factory=list)
    transposition: bool = False
    levels: list[str] = field(default_factory=list)
    app_id: str = ""


def _units(c: Collation) -> tuple[list[_Unit], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The variation units in column order, and the transposition pairs as (source, target) ranges.

    A transposition gives a unit at each end of its move even when the variant names only one of
    them. Ranges that overlap are merged into one unit whose readings come from the table: one
    ``<app>`` per place keeps the TEI well-formed, and nothing a variant says is dropped.
    """
    ncols = len(c.table.columns)

    def clamp(r: tuple[int, int]) -> tuple[int, int]:
        first = min(max(r[0], 0), ncols)
        return first, min(max(r[1], first + 1), ncols)

    ranges: list[tuple[int, int, Variant | None, str | None]] = []
    links: list[tuple[tuple[int, int], tuple[int, int]]] = []
    moves: list[tuple[Move, Variant | None]] = [(m, None) for m in c.moves]
    for v in c.variants:
        ranges.append((*clamp(v.columns), v, v.subtype if v.kind == "transposition" else None))
        if v.move is not None:
            moves.append((v.move, v))
    for m, v in moves:
        source, target = clamp(m.source), clamp(m.target)
        ranges.append((*source, v, m.level))
        ranges.append((*target, v, m.level))
        if (source, target) not in links:
            links.append((source, target))

    units: list[_Unit] = []
    for first, last, v, level in sorted((r for r in ranges if r[0] < r[1]), key=lambda r: (r[0], r[1])):
        if units and first < units[-1].last:
            unit = units[-1]
            unit.last = max(unit.last, last)
        else:
            unit = _Unit(first, last)
            units.append(unit)
        if v is not None and all(v is not seen for seen in unit.variants):
            unit.variants.append(v)
        if level is not None or (v is not None and v.kind == "transposition"):
            unit.transposition = True
            if level is not None and level not in unit.levels:
                unit.levels.append(level)
    return units, links


def _agrees(table: Table, column: int) -> bool:
    """Whether every witness has a token in ``column`` and all have the same normalized form."""
    norms = set()
    for w, idx in zip(table.witnesses, table.columns[column], strict=True):
        if idx is None:
            return False
        norms.add(w.tokens.norms[idx])
    return len(norms) == 1


def _with_disagreements(c: Collation, units: list[_Unit]) -> list[_Unit]:
    """``units`` plus a unit for each run of columns that disagree but no variant covers.

    The base text may only stand where all witnesses agree; a difference the classifier did not
    report still gets its ``<app>`` (without a type) rather than silently taking the first
    witness's reading.
    """
    covered = [False] * len(c.table.columns)
    for unit in units:
        for col in range(unit.first, unit.last):
            covered[col] = True
    extra: list[_Unit] = []
    for col in range(len(covered)):
        if covered[col] or _agrees(c.table, col):
            continue
        if extra and extra[-1].last == col:
            extra[-1].last = col + 1
        else:
            extra.append(_Unit(col, col + 1))
    return sorted(units + extra, key=lambda u: u.first)


def _readings(c: Collation, unit: _Unit) -> dict[str, str]:
    """Each witness's reading in ``unit``: the variant's own when it alone covers the unit exactly."""
    if len(unit.variants) == 1 and tuple(unit.variants[0].columns) == (unit.first, unit.last):
        given = unit.variants[0].readings
        return {w.id: given.get(w.id, "") for w in c.witnesses}
    out: dict[str, str] = {}
    for w_index, w in enumerate(c.witnesses):
        idxs = [col[w_index] for col in c.table.columns[unit.first : unit.last]]
        present = [i for i in idxs if i is not None]
        out[w.id] = w.reading(min(present), max(present) + 1)[2] if present else ""
    return out


def _app(c: Collation, unit: _Unit, sigla: dict[str, str]) -> etree._Element:
    variants = unit.variants
    attrib: dict[str, str] = {}
    if unit.transposition:
        attrib["type"] = "transposition"
    elif variants:
        attrib["type"] = variants[0].kind
    subtypes = {v.subtype for v in variants} if variants else set(unit.levels)
    if len(subtypes) == 1 and None not in subtypes:
        attrib["subtype"] = str(next(iter(subtypes)))
    if variants:
        attrib["ana"] = "#substantive" if any(v.substantive for v in variants) else "#formal"
    app = _el(None, "app", xml_id=unit.app_id, **attrib)
    # Readings are compared with their whitespace folded (a line break is no variant) and shown
    # as the first witness of each group has them.
    groups: dict[str, tuple[str, list[str]]] = {}
    for wid, text in _readings(c, unit).items():
        if wid in sigla:
            groups.setdefault(" ".join(text.split()), (text, []))[1].append(f"#{sigla[wid]}")
    for text, wits in groups.values():
        _el(app, "rdg", text or None, wit=" ".join(wits))
    return app


class _Body:
    """Writes base text and apps into one ``<p>`` per paragraph of the base witness, carrying the
    first witness's punctuation between words.

    Text between two base tokens is copied from the base witness only when the tokens are
    neighbours in it; across a jump (the base witness's own moved passage) a single space stands
    in. A new ``<p>`` starts where the next base token lies in another paragraph; the closing
    punctuation of the last word stays in the paragraph it closes. An app where the base witness
    has nothing stays in the paragraph before it.
    """

    def __init__(self, c: Collation, body: etree._Element) -> None:
        self.base = c.witnesses[0]
        self.body = body
        self.p: etree._Element | None = None
        self.para: int | None = None
        self.last_child: etree._Element | None = None
        self.prev_idx: int | None = None
        self.cursor = 0
        self.pending = ""

    def _paragraph(self) -> etree._Element:
        if self.p is None:
            self.p = _el(self.body, "p")
        return self.p

    def _switch(self, idx: int) -> None:
        """Start a new ``<p>`` if base token ``idx`` lies in another paragraph than the last one."""
        para = self.base.paragraph[idx] if self.base.paragraph else 0
        if self.p is not None and (para == self.para or self.para is None):
            self.para = para  # the first paragraph, opened by an app the base has no words in
            return
        if self.p is not None and self.prev_idx is not None and idx > self.prev_idx:
            tail = self.base.text[self.cursor : self.base.tokens.starts[idx]]
            self.add_text(_CLOSING.match(tail).group())  # type: ignore[union-attr]
        if self.p is None or self.p.text or len(self.p):
            self.p = _el(self.body, "p")
            self.last_child = None
        self.para, self.prev_idx, self.pending = para, None, ""

    def add_text(self, text: str) -> None:
        if not text:
            return
        text = xml_safe(text)
        if self.last_child is None:
            p = self._paragraph()
            p.text = (p.text or "") + text
        else:
            self.last_child.tail = (self.last_child.tail or "") + text

    def gap_before(self, idx: int) -> str:
        if self.prev_idx is None:
            return ""
        if idx == self.prev_idx + 1:
            gap = self.pending + self.base.text[self.cursor : self.base.tokens.starts[idx]]
        else:
            gap = " "
        self.pending = ""
        return gap

    def add_tokens(self, idxs: list[int]) -> None:
        tokens = self.base.tokens
        for idx in idxs:
            self._switch(idx)
            self.add_text(self.gap_before(idx) + self.base.text[tokens.starts[idx] : tokens.ends[idx]])
            self.prev_idx, self.cursor = idx, tokens.ends[idx]

    def add_app(self, app: etree._Element, base_idxs: list[int], next_idx: int | None) -> None:
        if base_idxs:
            self._switch(base_idxs[0])
            self.add_text(self.gap_before(base_idxs[0]))
            self.prev_idx, self.cursor = base_idxs[-1], self.base.tokens.ends[base_idxs[-1]]
        elif (
            next_idx is not None
            and self.prev_idx is not None
            and next_idx == self.prev_idx + 1
            and self.base.paragraph[next_idx] == self.para
        ):
            # The base witness has nothing here: the text between its neighbours goes before the
            # app, and the app is followed by a space if that text ended in one.
            gap = self.gap_before(next_idx)
            self.add_text(gap)
            self.cursor = self.base.tokens.starts[next_idx]
            self.pending = " " if gap[-1:].isspace() else ""
        self._paragraph().append(app)
        self.last_child = app

    def finish(self) -> None:
        if self.prev_idx is not None and self.prev_idx == len(self.base.tokens) - 1:
            self.add_text((self.pending + self.base.text[self.cursor :]).rstrip())
        self._paragraph()


_CLOSING = re.compile(r"[^\s]*")


def _header(tei: etree._Element, c: Collation, sigla: dict[str, str]) -> None:
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    n = len(c.witnesses)
    _el(_el(file_desc, "titleStmt"), "title", f"Collation of {n} witness{'es' if n != 1 else ''}")
    _el(_el(file_desc, "publicationStmt"), "p", "Unpublished collation, exported by variorum.")
    source_desc = _el(file_desc, "sourceDesc")
    if c.witnesses:
        list_wit = _el(source_desc, "listWit")
        for w in c.witnesses:
            label = w.label or w.id
            _el(list_wit, "witness", f"{label} ({w.date})" if w.date else label, xml_id=sigla[w.id], n=w.id)
    else:
        _el(source_desc, "p", "No witnesses.")
    encoding = _el(header, "encodingDesc")
    taxonomy = _el(_el(encoding, "classDecl"), "taxonomy", xml_id="variant-significance")
    for key, description in (
        ("substantive", "The readings differ in what the text says."),
        ("formal", "The readings differ in form only: case, punctuation, number format, spelling."),
    ):
        _el(_el(taxonomy, "category", xml_id=key), "catDesc", description)
    _el(encoding, "variantEncoding", method="parallel-segmentation", location="internal")


def collation_to_tei(c: Collation) -> str:
    """The collation as a TEI P5 document (a string beginning with the XML declaration).

    Witnesses get the ids ``W1…Wn`` in collation order (variorum ids need not be valid XML
    names); each ``<witness>`` keeps the original id in ``@n``. The base text is the first
    witness's. Every ``<app>`` has ``xml:id="app-K"`` (K counts apps in reading order), ``@type``
    the variant kind, ``@subtype`` when the variants agree on one, and ``@ana`` pointing to the
    ``#substantive`` or ``#formal`` category declared in the header. Witnesses with the same
    reading share one ``<rdg>``; an absent reading is an empty ``<rdg/>``. Each ``<link>`` of the
    closing ``<linkGrp type="transposition">`` names two apps: first where the move's ``from``
    witness has the passage, then where its ``to`` witness has it.
    """
    sigla = {w.id: f"W{k}" for k, w in enumerate(c.witnesses, start=1)}
    tei = _el(None, "TEI")
    _header(tei, c, sigla)
    body = _el(_el(tei, "text"), "body")
    units, links = _units(c) if c.witnesses else ([], [])
    if not c.witnesses:
        _el(body, "p")
    else:
        units = _with_disagreements(c, units)
        writer = _Body(c, body)
        columns = c.table.columns
        base_next: list[int | None] = [None] * (len(columns) + 1)
        for col in range(len(columns) - 1, -1, -1):
            base_next[col] = columns[col][0] if columns[col][0] is not None else base_next[col + 1]
        col = 0
        for k, unit in enumerate(units, start=1):
            writer.add_tokens([i for row in columns[col : unit.first] if (i := row[0]) is not None])
            unit.app_id = f"app-{k}"
            base = [i for row in columns[unit.first : unit.last] if (i := row[0]) is not None]
            writer.add_app(_app(c, unit, sigla), base, base_next[unit.last])
            col = unit.last
        writer.add_tokens([i for row in columns[col:] if (i := row[0]) is not None])
        writer.finish()
    pairs: list[str] = []
    by_range = {(u.first, u.last): u for u in units}
    for source, target in links:
        a, b = _owner(units, by_range, source), _owner(units, by_range, target)
        if a is not None and b is not None and a is not b:
            pair = f"#{a.app_id} #{b.app_id}"
            if pair not in pairs:
                pairs.append(pair)
    if pairs:
        link_grp = _el(body, "linkGrp", type="transposition")
        for pair in pairs:
            _el(link_grp, "link", target=pair)
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _owner(units: list[_Unit], by_range: dict[tuple[int, int], _Unit], r: tuple[int, int]) -> _Unit | None:
    """The unit that holds column range ``r`` (ranges may have been merged into a larger unit)."""
    if r in by_range:
        return by_range[r]
    return next((u for u in units if u.first <= r[0] < u.last), None)


__all__ = ["TEI_NS", "collation_to_tei", "xml_safe"]
