"""View models of the report's pages: plain, JSON-ready dicts that the templates lay out.

The static report (:mod:`variorum.export.report.render`) and the web app render the same
templates from these same dicts, and the web app serves them as the JSON twins of its pages, so
they hold only ``str``, ``int``, ``float``, ``bool``, ``None``, lists and dicts, and never a URL:
links are built by the templates through :class:`~variorum.export.report.links.Links`, which
knows whether pages are files on disk or routes.

Every view has ``"kind"`` (``"corpus"``, ``"family"``, ``"document"``) and ``"version"`` (the
shape's version, :data:`VIEW_VERSION`).
"""

from __future__ import annotations

from typing import Any

from variorum import pipeline
from variorum.collate.model import Collation
from variorum.config import Settings
from variorum.export.report.document import doc_label, document_page
from variorum.export.report.family import family_page, short
from variorum.export.report.listing import Listing
from variorum.export.report.svg import timeline_layout, year_range
from variorum.store.index import Index

# Version 1: the first published shape.
VIEW_VERSION = 1

_EXCERPT_CHARS = 200
_LEDE_CHARS = 220
_LEDE_MIN_WORDS = 12


def family_view(
    index: Index,
    settings: Settings,
    family_id: str,
    collation: Collation | None = None,
    listing: Listing | None = None,
    replicates: int | None = None,
) -> dict[str, Any]:
    """A family of versions, collated.

    Keys: ``id``, ``title`` (the first words of the base text), ``witnesses`` (collation order:
    ``id``, ``siglum``, ``date``, ``label``, ``path``, ``languages``, ``words``, ``body_words``,
    ``wrappers`` [{``kind``, ``language``, ``text``, ``start``, ``end``}]), ``base`` (the base
    witness's id), ``summary`` (:func:`variorum.pipeline.collation_summary`), ``counts``,
    ``variants`` (the collation's variants with ``id`` "v<n>", ``number``, ``symbol``, ``label``,
    ``groups`` of witnesses per reading, ``insert``, ``other_place``, ``here``), ``reading``
    (base paragraphs as nested pieces: ``{"text"}`` or ``{"variant": n, "moved_here",
    "children"}``), ``side_by_side`` (``default`` pair and ``rows``), ``claims``, ``stemma``
    (laid out: ``nodes`` with ``x``, ``y``, ``w``, ``h``; ``edges`` with ``path``), and
    ``collation``: the whole :func:`~variorum.export.collation_json.collation_to_json` export.

    ``collation``, when given, is used instead of collating the family again; ``replicates``
    bounds the stemma's bootstrap when it is collated here. ``listing`` (a report's
    :class:`~variorum.export.report.listing.Listing`) saves reading every document's row for one
    page. ``family_id`` may be a unique prefix (a whole id with ``listing``). Raises
    :class:`~variorum.errors.UsageError` when it names no family or several.
    """
    page = family_page(index, settings, family_id, collation, listing, replicates)
    return {**page, "version": VIEW_VERSION}


def document_view(
    index: Index, settings: Settings, doc_id: str, listing: Listing | None = None
) -> dict[str, Any]:
    """One document: its text with the passages it shares, and its wrapper segments.

    Keys: ``id``, ``label``, ``meta`` (:func:`variorum.pipeline.describe_indexed`), ``family``
    (its id when the document has versions, else None), ``family_members``, ``passages`` (seen
    from this document: ``id``, ``start``, ``end``, ``other``, ``other_label``, ``words``,
    ``identity``, ``boilerplate``, ``same_family``, ``excerpt`` …), ``shared_with``, ``counts``,
    and ``blocks``: the text, one block per segment (``role`` body or wrapper, ``kind`` such as
    "cover note" or "header", ``language``), each cut into ``pieces`` (``text``, ``marks`` of
    the passages covering it, outermost first, ``ends``: passages ending there).

    ``doc_id`` may be a unique prefix. Raises :class:`~variorum.errors.UsageError` when it names
    no document.
    """
    return {**document_page(index, settings, doc_id, listing), "version": VIEW_VERSION}


def _lede(index: Index, num: int) -> str:
    """The opening words of a document's body: what a family is about, at a glance. A short first
    paragraph (a letterhead, a title line) says less than the first real one."""
    doc = index.document(num)
    body = [doc.text[s.start : s.end] for s in index.segments(num) if s.role == "body"]
    body = [t for t in body if t.strip()]
    opening = next((t for t in body if len(t.split()) >= _LEDE_MIN_WORDS), body[0] if body else doc.text)
    return short(opening, _LEDE_CHARS)


def corpus_view(index: Index, settings: Settings) -> dict[str, Any]:
    """The corpus at a glance: counts, families on a timeline, reuse across families, skips.

    Keys: ``counts`` (documents, families, passages, boilerplate, skipped),
    ``families`` [{``id``, ``lede``, ``documents`` (date order: ``id``, ``label``, ``path``,
    ``date``, ``languages``, ``words``), ``timeline`` (laid out on the years shared by all
    families)}], ``years`` [first, last], ``singles`` (documents in no family of two or more),
    ``links`` (:func:`variorum.pipeline.summary` links between documents of different families,
    each with its ``passages``: ``id``, ``words``, ``identity``, ``boilerplate``, ``excerpt``)
    and ``skipped`` [{``path``, ``reason``}].
    """
    summ = pipeline.summary(index, settings)
    rows = index.doc_rows()
    by_id = {r["id"]: r for r in rows}
    fams = summ["families"]
    years = year_range([r["date"] for r in rows])
    families = []
    for fam in fams:
        docs = [{**d, "label": doc_label(d["path"], d["id"])} for d in fam["documents"]]
        families.append(
            {
                "id": fam["id"],
                "lede": _lede(index, by_id[docs[0]["id"]]["num"]),
                "documents": docs,
                "timeline": timeline_layout(docs, years),
            }
        )
    in_family = {d["id"] for fam in fams for d in fam["documents"]}
    singles = [
        {
            "id": r["id"],
            "label": doc_label(r["path"], r["id"]),
            "path": r["path"],
            "date": r["date"],
            "languages": r["languages"],
            "words": r["words"],
        }
        for r in sorted(rows, key=lambda r: (r["date"] is None, r["date"] or "", r["id"]))
        if r["id"] not in in_family
    ]
    links = {
        (link["a"], link["b"]): {**link, "passage_count": link["passages"], "passages": []}
        for link in summ["links"]
    }
    for link in links.values():
        link["a_label"] = doc_label(link["a_path"], link["a"])
        link["b_label"] = doc_label(link["b_path"], link["b"])
        link["a_family"] = by_id[link["a"]]["family"] if link["a"] in in_family else None
        link["b_family"] = by_id[link["b"]]["family"] if link["b"] in in_family else None
    if links:
        for p in pipeline.passages(index, settings):
            link = links.get((p["a"], p["b"]))
            if link is not None:
                link["passages"].append(
                    {
                        "id": p["id"],
                        "words": p["words"],
                        "identity": p["identity"],
                        "boilerplate": p["boilerplate"],
                        "excerpt": short(p["a_text"], _EXCERPT_CHARS),
                    }
                )
    return {
        "kind": "corpus",
        "version": VIEW_VERSION,
        "counts": summ["counts"],
        "years": list(years),
        "families": families,
        "singles": singles,
        "links": list(links.values()),
        "skipped": summ["skipped"],
    }


__all__ = ["VIEW_VERSION", "corpus_view", "document_view", "family_view"]
