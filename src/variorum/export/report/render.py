"""Pages from view models: the Jinja2 environment, and the static report written to a folder.

Every template is rendered with autoescape on, so any text that comes from a document is escaped
wherever it lands; only the report's own stylesheet and script, read from package data, are
trusted as they are. Each render draws a fresh random nonce and allows exactly the ``<style>`` or
stylesheet ``<link>`` and the ``<script>`` that carry it (Content-Security-Policy), so markup that
somehow got into a page could still not run a script. The web app inlines the stylesheet and the
script in every page; the static report writes them once beside its pages
(:data:`ASSETS`) and every page links them by relative name, nonce included: the same policy,
24 KB less per page, and still nothing but the report's folder needed to open it from disk.
Family and document pages also carry data for that script (:mod:`~variorum.export.report.pagedata`)
in ``<script type="application/json">`` blocks: data blocks never run, need no nonce, and are
written with ``tojson``, which escapes every ``<``, ``>``, ``&`` and ``'`` in them.

A large report is written by :data:`variorum.config.Settings.workers` processes (forked, so each
starts with the listing and any collations the caller passed), each with its own connection to
the index, pages in small chunks so that progress moves evenly.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import signal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from variorum import __version__, pipeline
from variorum.collate.model import Collation
from variorum.config import REPORT_STEMMA_REPLICATES, Settings
from variorum.export.report import views
from variorum.export.report.family import READING_CHARS
from variorum.export.report.links import STATIC, Links, document_file, family_file
from variorum.export.report.listing import Listing
from variorum.export.report.pagedata import family_data, passage_data
from variorum.store.index import Index

#: The pages there are, by template name.
TEMPLATES = ("corpus.html", "family.html", "document.html")
#: The static report's shared stylesheet and script: file names in the report folder, as the
#: templates link them (the package's ``templates/static`` files, copied).
ASSETS = {"css": "report.css", "js": "report.js"}
#: Pages a worker writes per task: small enough that progress moves and the two workers finish
#: together, large enough that sending tasks costs nothing next to a page (10-200 ms).
_CHUNK = 8


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment of the report and the web app (templates are package data).

    A key missing from a view reads as empty (Jinja2's default), so that optional keys such as
    a form's ``error`` need not be spelled out by every caller.
    """
    env = Environment(
        loader=PackageLoader("variorum", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f} %"
    # JSON islands (``tojson``, which escapes < > & ' for HTML): compact, and text in any script
    # kept as UTF-8 rather than six-byte escapes.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    env.globals["family_data"] = partial(family_data, reading_chars=READING_CHARS)
    env.globals["passage_data"] = passage_data
    return env


def _asset_text(name: str) -> str:
    return resources.files("variorum").joinpath("templates", "static", name).read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _asset(name: str, closing: str) -> Markup:
    """A static asset as trusted markup for an inline element; refuses one that would close it."""
    text = _asset_text(name)
    if closing in text.lower():
        raise ValueError(f"templates/static/{name} contains {closing!r}, which would end the inline element")
    return Markup(text)  # the package's own file, never document text


def render_page(
    template: str,
    view: dict[str, Any],
    links: Links,
    *,
    generated: str | None = None,
    shared_assets: bool = False,
) -> str:
    """One page: ``template`` (``"corpus.html"``, ``"family.html"`` or ``"document.html"``) filled
    with ``view`` (from :mod:`variorum.export.report.views`), linking through ``links``.

    ``generated`` is shown in the footer (the report passes the time it was written; leave it
    None for output that must not change between runs). The page carries its stylesheet and
    script inline with a fresh CSP nonce, and needs nothing from the network; with
    ``shared_assets`` it links them instead, by the names of :data:`ASSETS` (files that
    :func:`write_report` writes beside the pages), with the same nonce.
    """
    nonce = secrets.token_urlsafe(18)
    inline = {}
    if not shared_assets:
        inline = {"css": _asset("report.css", "</style"), "js": _asset("report.js", "</script")}
    return (
        environment()
        .get_template(template)
        .render(
            view=view,
            links=links,
            assets=ASSETS if shared_assets else None,
            **inline,
            nonce=nonce,
            version=__version__,
            generated=generated,
        )
    )


def pages_for(index: Index, families: list[dict[str, Any]]) -> frozenset[str]:
    """Ids of the documents that get a page in the static report: members of a family of two or
    more, documents that share a passage with another, and translations. A page for any other document would
    show its text and nothing else; on a large collection those pages were most of the report
    (3,144 pages and 116 MB for 3,000 documents), so they are listed on the corpus page instead."""
    ids = index.document_ids()
    pages = {d["id"] for fam in families for d in fam["documents"]}
    for a, b, *_ in index.pair_rows():
        pages.add(ids[a])
        pages.add(ids[b])
    for r in index.relations(kind="translation"):  # read side by side on their pages
        pages.add(ids[r.a])
        pages.add(ids[r.b])
    return frozenset(pages)


@dataclass
class _Writer:
    """Writes one page of the report at a time; the state every page needs, read once."""

    index: Index
    settings: Settings
    out_dir: Path
    links: Links
    listing: Listing
    collations: Mapping[str, Collation]
    generated: str

    def pages(self, jobs: list[tuple[str, str]]) -> list[str]:
        """Write the pages of ``jobs`` ((``"family"`` or ``"document"``, id) each); their file names."""
        names = []
        for kind, item in jobs:
            if kind == "family":
                name, template = family_file(item), "family.html"
                view = views.family_view(
                    self.index,
                    self.settings,
                    item,
                    self.collations.get(item),
                    self.listing,
                    REPORT_STEMMA_REPLICATES,
                )
            else:
                name, template = document_file(item), "document.html"
                view = views.document_view(self.index, self.settings, item, self.listing)
            html = render_page(template, view, self.links, generated=self.generated, shared_assets=True)
            (self.out_dir / name).write_text(html, encoding="utf-8")
            names.append(name)
        return names


# The writer a forked worker inherits (set just before the workers start, cleared after).
_inherited: _Writer | None = None


def _start_worker(parent: int) -> None:
    """In a forked worker: die with the parent, leave Ctrl-C to it, and read the index through a
    connection of its own (a SQLite connection must not cross a fork)."""
    from variorum.workers import die_with_parent

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert _inherited is not None
    _inherited.index = Index.open(_inherited.index.path, create=False)
    pipeline.ensure_fresh(_inherited.index, _inherited.settings)


def _work(jobs: list[tuple[str, str]]) -> list[str]:
    assert _inherited is not None
    return _inherited.pages(jobs)


def _chunks(jobs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    return [jobs[i : i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]


def _write_pages(writer: _Writer, jobs: list[tuple[str, str]], workers: int) -> Iterator[list[str]]:
    """The file names of the pages of ``jobs``, written in chunks, in order, by ``workers``
    forked processes (here, in this process, with one worker, few pages or no ``fork``)."""
    chunks = _chunks(jobs)
    if workers < 2 or len(chunks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield writer.pages(chunk)
        return
    global _inherited
    _inherited = writer
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(workers, len(chunks)), initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            yield from pool.imap(_work, chunks)
    finally:
        _inherited = None


def write_report(
    index: Index,
    settings: Settings,
    out_dir: Path,
    collations: Mapping[str, Collation] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[Path]:
    """Write the static report into ``out_dir``: ``index.html`` (the corpus), one
    ``family-<id>.html`` per family of two or more documents and one ``doc-<id>.html`` per
    document in a family or sharing a passage (:func:`pages_for`); the corpus page lists the
    others. The stylesheet and script are written once beside them (:data:`ASSETS`). Returns the
    pages written, corpus page first. ``collations`` maps family ids to collations the caller
    already computed, so they are not computed again; the families collated here get
    :data:`~variorum.config.REPORT_STEMMA_REPLICATES` bootstrap replicates for their stemma.
    ``progress`` is called with a stage name and the pages just written, for a caller to show.

    The pages link to each other by relative file names and open from disk (``file://``),
    offline. Apart from each page's nonce and the generation time in its footer, the same index
    gives the same files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    corpus = views.corpus_view(index, settings)  # makes the families current (ensure_fresh)
    listing = Listing.read(index)
    links = Links(static=True, pages=pages_for(index, corpus["families"]))
    for name in ASSETS.values():
        (out_dir / name).write_text(_asset_text(name), encoding="utf-8")
    writer = _Writer(index, settings, out_dir, links, listing, collations or {}, generated)
    corpus_page = out_dir / STATIC.corpus()
    corpus_page.write_text(
        render_page("corpus.html", corpus, links, generated=generated, shared_assets=True), encoding="utf-8"
    )
    written = [corpus_page]
    if progress is not None:
        progress("corpus page", 1)
    jobs = [("family", fam["id"]) for fam in corpus["families"]]
    jobs += [("document", row["id"]) for row in listing.rows if links.has_page(row["id"])]
    for names in _write_pages(writer, jobs, settings.workers):
        written.extend(out_dir / name for name in names)
        if progress is not None:
            families = sum(1 for name in names if name.startswith("family-"))
            if families:
                progress("family pages", families)
            if len(names) > families:
                progress("document pages", len(names) - families)
    return written


def report_pages(index: Index, settings: Settings) -> int:
    """How many pages :func:`write_report` writes for ``index`` (a total for a progress bar)."""
    families = pipeline.families(index, settings)
    return 1 + len(families) + len(pages_for(index, families))


__all__ = ["TEMPLATES", "environment", "pages_for", "render_page", "report_pages", "write_report"]
