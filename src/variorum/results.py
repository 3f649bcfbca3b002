"""Typed results of the public API (:mod:`variorum.api`), for notebooks, scripts and the CLI.

Every result has three views:

* ``to_dict()``: the JSON-ready form, the same keys ``variorum … --json`` prints;
* ``to_records()``: a list of flat dicts, one per row, that ``pandas.DataFrame(...)`` takes as is;
* ``_repr_html_()``: a table that Jupyter shows as the cell's output (every text escaped).

Sequences of results (:class:`Families`, :class:`Passages`) behave as tuples of their items.
Offsets are character offsets into each document's extracted text (``variorum.read(path).text``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

#: Rows shown by ``_repr_html_`` before "… N more".
HTML_ROWS = 50
#: Characters of a quoted text shown in one HTML table cell.
HTML_TEXT = 120


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``1 family``, ``2 families``: a count with the noun in the right number."""
    if n == 1:
        return f"{n} {singular}"
    if plural_form is None:
        plural_form = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return f"{n} {plural_form}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    text = " ".join(str(value).split())
    if len(text) > HTML_TEXT:
        text = text[: HTML_TEXT - 1] + "…"
    return html.escape(text)


def html_table(records: Sequence[Mapping[str, Any]], caption: str = "") -> str:
    """An HTML table of ``records`` (escaped), the first :data:`HTML_ROWS` rows."""
    head = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    if not records:
        return f"<table>{head}<tr><td>(none)</td></tr></table>"
    cols = list(records[0])
    rows = [
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in cols) + "</tr>" for r in records[:HTML_ROWS]
    ]
    if len(records) > HTML_ROWS:
        rows.append(f'<tr><td colspan="{len(cols)}">… {len(records) - HTML_ROWS} more</td></tr>')
    header = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
    return f"<table>{head}<thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"


class _Rows:
    """What every result shares: ``to_records`` and the notebook view built from it."""

    def to_records(self) -> list[dict[str, Any]]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _caption(self) -> str:
        return ""

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), self._caption())


@dataclass(frozen=True)
class DocumentInfo:
    """A document as results name it. ``name`` is its file name, or its id when it has no path."""

    id: str
    path: str | None = None
    title: str | None = None
    date: str | None = None
    languages: tuple[str, ...] = ()
    family: str | None = None
    words: int | None = None

    @property
    def name(self) -> str:
        return PurePath(self.path).name if self.path else self.id

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DocumentInfo:
        return cls(
            id=d["id"],
            path=d.get("path"),
            title=d.get("title"),
            date=d.get("date"),
            languages=tuple(d.get("languages") or ()),
            family=d.get("family"),
            words=d.get("words"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "languages": list(self.languages),
        }
        if self.family is not None:
            out["family"] = self.family
        if self.words is not None:
            out["words"] = self.words
        return out


@dataclass(frozen=True)
class SharedPassage:
    """A stretch of text two documents share, quoted from both (``a`` and ``b`` are their ids)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    identity: float
    a_text: str
    b_text: str
    a: str | None = None
    b: str | None = None
    a_words: int = 0
    b_words: int = 0
    boilerplate: bool = False
    earlier: str | None = None
    id: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SharedPassage:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("id", "a", "b"):
            if out[key] is None:
                del out[key]
        return out


@dataclass(frozen=True)
class Passages(_Rows, Sequence[SharedPassage]):
    """Shared passages, as a tuple."""

    items: tuple[SharedPassage, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: Any) -> Any:
        return self.items[i]

    def __iter__(self) -> Iterator[SharedPassage]:
        return iter(self.items)

    def to_dict(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.items]

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_dict()

    def _caption(self) -> str:
        return plural(len(self.items), "shared passage")


@dataclass(frozen=True)
class Comparison(_Rows):
    """What two documents share (:func:`variorum.compare`)."""

    a: DocumentInfo
    b: DocumentInfo
    passages: Passages
    coverage: dict[str, float]
    body_coverage: dict[str, float]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Comparison:
        return cls(
            a=DocumentInfo.from_dict(d["a"]),
            b=DocumentInfo.from_dict(d["b"]),
            passages=Passages(tuple(SharedPassage.from_dict(p) for p in d["passages"])),
            coverage=dict(d["coverage"]),
            body_coverage=dict(d.get("body_coverage") or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "passages": self.passages.to_dict(),
            "coverage": dict(self.coverage),
            "body_coverage": dict(self.body_coverage),
        }

    def to_records(self) -> list[dict[str, Any]]:
        return self.passages.to_records()

    def _caption(self) -> str:
        return (
            f"{self.a.name}: {self.coverage['a']:.0%} shared; {self.b.name}: {self.coverage['b']:.0%}; "
            f"{plural(len(self.passages), 'passage')}"
        )


@dataclass(frozen=True)
class Quote:
    """A reading in one text: its character offsets and the text there."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Change:
    """One difference between a query and a match (see :mod:`variorum.changes`).

    ``kind`` is ``figure``, ``date``, ``name``, ``citation`` or ``wording``; ``change`` is
    ``changed``, ``moved``, ``query_only`` or ``match_only``.
    """

    kind: str
    change: str
    query: Quote | None
    match: Quote | None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Change:
        return cls(
            d["kind"],
            d["change"],
            Quote(**d["query"]) if d.get("query") else None,
            Quote(**d["match"]) if d.get("match") else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "change": self.change,
            "query": self.query.__dict__ if self.query else None,
            "match": self.match.__dict__ if self.match else None,
        }


@dataclass(frozen=True)
class Match:
    """An indexed document that shares passages with the query."""

    document: DocumentInfo
    passages: Passages
    coverage: dict[str, float]
    shared_words: int
    first_seen: bool = False
    changes: tuple[Change, ...] | None = None  # None: not computed for this match

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Match:
        changes = d.get("changes")
        return cls(
            document=DocumentInfo.from_dict(d["document"]),
            passages=Passages(tuple(SharedPassage.from_dict(p) for p in d["passages"])),
            coverage=dict(d["coverage"]),
            shared_words=d["shared_words"],
            first_seen=bool(d.get("first_seen")),
            changes=None if changes is None else tuple(Change.from_dict(c) for c in changes),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "first_seen": self.first_seen,
            "passages": self.passages.to_dict(),
            "coverage": dict(self.coverage),
            "shared_words": self.shared_words,
            "changes": None if self.changes is None else [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class NewStretch:
    """A stretch of the query found in no indexed document."""

    start: int
    end: int
    words: int
    text: str


@dataclass(frozen=True)
class QueryResult(_Rows):
    """Where a text appeared before (:meth:`variorum.Index.query`): matches earliest first."""

    query: DocumentInfo
    matches: tuple[Match, ...]
    new: tuple[NewStretch, ...]
    coverage: float

    @property
    def first_seen(self) -> Match | None:
        """The earliest dated match: where this text was first seen, as far as the index knows."""
        return next((m for m in self.matches if m.first_seen), None)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QueryResult:
        return cls(
            query=DocumentInfo.from_dict(d["query"]),
            matches=tuple(Match.from_dict(m) for m in d["matches"]),
            new=tuple(NewStretch(**s) for s in d["new"]),
            coverage=d["coverage"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.to_dict(),
            "matches": [m.to_dict() for m in self.matches],
            "new": [s.__dict__ for s in self.new],
            "coverage": self.coverage,
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One row per match, earliest first."""
        return [
            {
                "first_seen": m.first_seen,
                "date": m.document.date,
                "name": m.document.name,
                "id": m.document.id,
                "passages": len(m.passages),
                "shared_words": m.shared_words,
                "query_coverage": m.coverage.get("query"),
                "changes": None if m.changes is None else len(m.changes),
                "changed": None
                if m.changes is None
                else "; ".join(
                    f"{c.match.text if c.match else '∅'} → {c.query.text if c.query else '∅'}"
                    for c in m.changes
                    if c.kind != "wording"
                ),
            }
            for m in self.matches
        ]

    def _caption(self) -> str:
        return f"{self.coverage:.0%} of {self.query.name} found in {plural(len(self.matches), 'document')}"


@dataclass(frozen=True)
class Family:
    """Documents that are versions of one text, in date order."""

    id: str
    documents: tuple[DocumentInfo, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Family:
        return cls(d["id"], tuple(DocumentInfo.from_dict({**x, "family": d["id"]}) for x in d["documents"]))

    def to_dict(self) -> dict[str, Any]:
        docs = []
        for x in self.documents:
            entry = x.to_dict()
            entry.pop("family", None)
            entry.pop("title", None)
            docs.append(entry)
        return {"id": self.id, "documents": docs}


@dataclass(frozen=True)
class Families(_Rows, Sequence[Family]):
    """Families of versions, the largest first, as a tuple."""

    items: tuple[Family, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: Any) -> Any:
        return self.items[i]

    def __iter__(self) -> Iterator[Family]:
        return iter(self.items)

    def to_dict(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.items]

    def to_records(self) -> list[dict[str, Any]]:
        """One row per (family, document)."""
        return [
            {
                "family": f.id,
                "date": d.date,
                "name": d.name,
                "id": d.id,
                "languages": ",".join(d.languages),
                "path": d.path,
            }
            for f in self.items
            for d in f.documents
        ]

    def _caption(self) -> str:
        return plural(len(self.items), "family", "families")


@dataclass(frozen=True)
class Relation:
    """A typed relation between documents ``a`` and ``b``, scored, with its evidence and a
    one-line ``summary`` (:mod:`variorum.group.relations` says what each kind means)."""

    a: DocumentInfo
    b: DocumentInfo
    kind: str
    score: float
    shared_words: int
    a_coverage: float
    b_coverage: float
    order: float
    longest: int
    identity: float
    earlier: str | None
    evidence: dict[str, Any] = field(default_factory=dict)
    summary: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Relation:
        fields = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k not in ("a", "b")}
        return cls(a=DocumentInfo.from_dict(d["a"]), b=DocumentInfo.from_dict(d["b"]), **fields)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for side in ("a", "b"):
            doc = getattr(self, side)
            out[side] = {"id": doc.id, "path": doc.path, "date": doc.date, "family": doc.family}
        out["evidence"] = dict(self.evidence)
        return out


@dataclass(frozen=True)
class Relations(_Rows, Sequence[Relation]):
    """Relations between documents, as a tuple."""

    items: tuple[Relation, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: Any) -> Any:
        return self.items[i]

    def __iter__(self) -> Iterator[Relation]:
        return iter(self.items)

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.items]

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": r.kind,
                "a": r.a.name,
                "b": r.b.name,
                "score": r.score,
                "a_coverage": r.a_coverage,
                "b_coverage": r.b_coverage,
                "shared_words": r.shared_words,
                "earlier": {"a": r.a.date, "b": r.b.date}.get(r.earlier or ""),
                "summary": r.summary,
                "a_id": r.a.id,
                "b_id": r.b.id,
            }
            for r in self.items
        ]

    def _caption(self) -> str:
        return plural(len(self.items), "relation")


@dataclass(frozen=True)
class AddResult(_Rows):
    """What one :meth:`variorum.Index.add` did."""

    added: int
    duplicates: int
    skipped: tuple[tuple[str, str], ...]  # (path, reason)
    pairs: int
    passages: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "pairs": self.pairs,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
        }

    def to_records(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in self.to_dict().items() if k != "skipped"} | {"skipped": len(self.skipped)}]

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.duplicates} already indexed, {len(self.skipped)} skipped; "
            f"{plural(self.passages, 'passage')} in {plural(self.pairs, 'pair')} ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class CollationResult(_Rows):
    """A collation (:func:`variorum.collate`): the full :class:`variorum.collate.Collation` is
    ``.collation``; ``to_records`` lists the variants, substantive ones flagged."""

    collation: Any = field(repr=False)

    @property
    def witnesses(self) -> tuple[Any, ...]:
        return tuple(self.collation.witnesses)

    @property
    def variants(self) -> tuple[Any, ...]:
        return tuple(self.collation.variants)

    @property
    def claims(self) -> tuple[Any, ...]:
        return tuple(self.collation.claims)

    @property
    def stemma(self) -> Any:
        return self.collation.stemma

    def to_dict(self) -> dict[str, Any]:
        """The collation JSON (``variorum collate --format json``)."""
        from variorum.export.collation_json import collation_to_json

        return collation_to_json(self.collation)

    def to_records(self) -> list[dict[str, Any]]:
        ids = [w.id for w in self.witnesses]
        labels = {w.id: w.label or w.id for w in self.witnesses}
        return [
            {
                "kind": v.kind,
                "subtype": v.subtype,
                "substantive": v.substantive,
                **{labels[i]: v.readings.get(i, "") for i in ids},
            }
            for v in self.variants
        ]

    def _caption(self) -> str:
        subst = sum(1 for v in self.variants if v.substantive)
        return (
            f"{plural(len(self.witnesses), 'witness', 'witnesses')}, "
            f"{plural(len(self.variants), 'variant')} ({subst} substantive), "
            f"{plural(sum(1 for c in self.claims if c.change == 'changed'), 'changed claim')}"
        )

    def __repr__(self) -> str:
        return f"<CollationResult: {self._caption()}>"


__all__ = [
    "AddResult",
    "Change",
    "CollationResult",
    "Comparison",
    "DocumentInfo",
    "Families",
    "Family",
    "Match",
    "NewStretch",
    "Passages",
    "QueryResult",
    "Quote",
    "Relation",
    "Relations",
    "SharedPassage",
    "html_table",
    "plural",
]
