"""The public Python API: what a notebook, a script, the CLI and the web app call.

::

    import variorum
    ix = variorum.Index("corpus.db")
    ix.add("examples/")                       # files, folders, globs, Documents
    ix.families()                             # versions of one text
    ix.query("new-statement.txt")             # where it appeared before, earliest first
    variorum.compare("a.pdf", "b.html")       # what two files share, no index
    variorum.collate(["2018.txt", "2020.txt"])

Every function takes paths (``str`` or ``os.PathLike``) or :class:`~variorum.model.Document`\\ s
(from :func:`read` or :func:`read_text`), and returns a typed result
(:mod:`variorum.results`) with ``to_dict()``, ``to_records()`` and a notebook view. Settings
default to :class:`~variorum.config.Settings` with ``VARIORUM_*`` environment overrides; pass
``settings=`` to change them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from variorum.config import DEFAULT_DB, QUERY_CHANGES, Settings, from_env
from variorum.errors import InputError
from variorum.model import Document, Skip
from variorum.results import (
    AddResult,
    CollationResult,
    Comparison,
    Families,
    Family,
    Passages,
    QueryResult,
    Relation,
    Relations,
    SharedPassage,
)

PathLike = str | os.PathLike[str]
Source = PathLike | Document


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else from_env(Settings())


def read(path: PathLike) -> Document:
    """Read one file (txt, md, html, pdf, docx): its extracted text, title, date and metadata.

    Raises :class:`~variorum.errors.InputError` (one line naming the file and the reason) when
    the file cannot be read.
    """
    from variorum.ingest import read_file

    return read_file(str(path))


def read_text(text: str, **metadata: Any) -> Document:
    """A document from a string; ``metadata`` may give ``title``, ``date``, ``source``, ``series``."""
    from variorum.ingest import read_text as _read_text

    return _read_text(text, **metadata)


def _document(source: Source) -> Document:
    return source if isinstance(source, Document) else read(source)


def compare(a: Source, b: Source, *, settings: Settings | None = None) -> Comparison:
    """The passages two documents share, with the share of each they cover (no index needed)."""
    from variorum import pipeline

    return Comparison.from_dict(pipeline.compare(_document(a), _document(b), _settings(settings)))


def collate(documents: Sequence[Source]) -> CollationResult:
    """Collate versions of one text: word-level variants, moves, changed claims and a stemma."""
    from variorum.collate import collate as _collate

    docs = [_document(d) for d in documents]
    if len(docs) < 2:
        raise InputError("collate", "needs at least two documents")
    return CollationResult(_collate(docs))


class Index:
    """A variorum index: one SQLite file that grows as documents are added.

    Each call opens the file, does its work and closes it, so an ``Index`` can be kept for a
    whole notebook session while other processes (``variorum add``, ``variorum serve``) use the
    same file. ``Index(path)`` creates the file on the first :meth:`add`; reading from a file
    that does not exist raises :class:`~variorum.errors.IndexError_`.
    """

    def __init__(self, path: PathLike = DEFAULT_DB, *, settings: Settings | None = None) -> None:
        self.path = Path(path)
        self.settings = _settings(settings)

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"

    def _open(self, *, create: bool = False) -> Any:
        from variorum.store.index import Index as Store

        return Store.open(self.path, create=create)

    def add(
        self,
        *sources: PathLike | Document | Iterable[Document],
        strict: bool = False,
        date: str | None = None,
        series: str | None = None,
        on_skip: Callable[[Skip], None] | None = None,
        progress: Callable[[str, int], None] | None = None,
        exclude: Sequence[str] = (),
    ) -> AddResult:
        """Add files, folders (recursive), globs, JSON Lines files or Documents; only new content is
        processed. An unreadable input is skipped and listed in the result (``strict=True``
        raises instead); ``on_skip`` is called for each as it happens. ``date`` and ``series``
        apply to every document read from a path.
        """
        from variorum import pipeline
        from variorum.ingest import read_inputs

        skipped: list[Skip] = []

        def skip(s: Skip) -> None:
            if strict:
                raise InputError(s.path, f"{s.reason} (strict: stopping)")
            if on_skip is not None:
                on_skip(s)
            skipped.append(s)

        meta = {k: v for k, v in {"date": date, "series": series}.items() if v} or None
        paths = [str(s) for s in sources if isinstance(s, (str, os.PathLike))]

        def documents() -> Iterable[Document]:
            for s in sources:
                if isinstance(s, Document):
                    yield s
                elif not isinstance(s, (str, os.PathLike)):
                    yield from s
            if paths:
                yield from read_inputs(paths, on_skip=skip, metadata=meta, exclude=list(exclude))

        kw = {"progress": progress} if progress is not None else {}
        with self._open(create=True) as store:
            report = pipeline.add(store, documents(), self.settings, skipped=skipped, **kw)
        return AddResult(
            added=report.added,
            duplicates=report.duplicates,
            skipped=tuple((s.path, s.reason) for s in report.skipped),
            pairs=report.pairs,
            passages=report.passages,
            seconds=report.seconds,
        )

    def query(self, source: Source, *, changes: int = QUERY_CHANGES) -> QueryResult:
        """Where this text appeared before, without adding it: matches earliest first, the
        earliest dated one marked ``first_seen``, each with what changed (figures, dates, names,
        wording, with offsets in both texts) for the first ``changes`` matches."""
        from variorum import pipeline

        doc = _document(source)
        with self._open() as store:
            return QueryResult.from_dict(pipeline.query(store, doc, self.settings, changes=changes))

    def families(self, *, include_single: bool = False) -> Families:
        """Groups of documents that are versions of one text, the largest first."""
        from variorum import pipeline

        with self._open() as store:
            fams = pipeline.families(store, self.settings, include_single=include_single)
        return Families(tuple(Family.from_dict(f) for f in fams))

    def passages(self, doc: str | None = None) -> Passages:
        """The shared passages in the index (all, or those of one document id, seen from it)."""
        from variorum import pipeline

        with self._open() as store:
            rows = pipeline.passages(store, self.settings, doc_id=doc)
        return Passages(tuple(SharedPassage.from_dict(p) for p in rows))

    def relations(self, doc: str | None = None, kind: str | None = None) -> Relations:
        """Typed relations between documents (copy, revision, excerpt, translation, quotation,
        boilerplate) with their scores, evidence and a one-line summary, versions first; only
        those of one document id (seen from it) and/or of one ``kind`` when given."""
        from variorum import pipeline

        with self._open() as store:
            rows = pipeline.relations(store, self.settings, doc_id=doc, kind=kind)
        return Relations(tuple(Relation.from_dict(r) for r in rows))

    def collate(self, family: str) -> CollationResult:
        """Collate the versions of one family (its id, or a unique prefix of it)."""
        from variorum import pipeline

        with self._open() as store:
            return CollationResult(pipeline.collate_family(store, self.settings, family))

    def document(self, doc_id: str) -> Document:
        """An indexed document (its id, or a unique prefix), with its full text."""
        with self._open() as store:
            return store.document(store.num_of(doc_id))


__all__ = ["QUERY_CHANGES", "Index", "collate", "compare", "read", "read_text"]
