"""Pages from view models: the Jinja2 environment, and the static report written to a folder.

Every template is rendered with autoescape on, so any text that comes from a document is escaped
wherever it lands; only the report's own stylesheet and script, read from package data, are
inserted as they are. Each render draws a fresh random nonce and allows exactly the inline
``<style>`` and ``<script>`` that carry it (Content-Security-Policy), so markup that somehow got
into a page could still not run a script.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from variorum import __version__, pipeline
from variorum.collate.model import Collation
from variorum.config import Settings
from variorum.export.report import views
from variorum.export.report.links import STATIC, Links, document_file, family_file
from variorum.store.index import Index

#: The pages there are, by template name.
TEMPLATES = ("corpus.html", "family.html", "document.html")


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
    return env


@lru_cache(maxsize=2)
def _asset(name: str, closing: str) -> Markup:
    """A static asset as trusted markup for an inline element; refuses one that would close it."""
    text = resources.files("variorum").joinpath("templates", "static", name).read_text(encoding="utf-8")
    if closing in text.lower():
        raise ValueError(f"templates/static/{name} contains {closing!r}, which would end the inline element")
    return Markup(text)  # the package's own file, never document text


def render_page(template: str, view: dict[str, Any], links: Links, *, generated: str | None = None) -> str:
    """One page: ``template`` (``"corpus.html"``, ``"family.html"`` or ``"document.html"``) filled
    with ``view`` (from :mod:`variorum.export.report.views`), linking through ``links``.

    ``generated`` is shown in the footer (the report passes the time it was written; leave it
    None for output that must not change between runs). The page carries its stylesheet and
    script inline with a fresh CSP nonce, and needs nothing from the network.
    """
    nonce = secrets.token_urlsafe(18)
    return (
        environment()
        .get_template(template)
        .render(
            view=view,
            links=links,
            css=_asset("report.css", "</style"),
            js=_asset("report.js", "</script"),
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
    others. Returns the paths written, corpus page first. ``collations`` maps family ids to
    collations the caller already computed, so they are not computed again. ``progress`` is
    called with a stage name and the pages just written, for a caller to show.

    The pages link to each other by relative file names and open from disk (``file://``),
    offline. Apart from each page's nonce and the generation time in its footer, the same index
    gives the same files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    written: list[Path] = []
    corpus = views.corpus_view(index, settings)
    links = Links(static=True, pages=pages_for(index, corpus["families"]))

    def write(name: str, template: str, view: dict[str, Any], stage: str) -> None:
        path = out_dir / name
        path.write_text(render_page(template, view, links, generated=generated), encoding="utf-8")
        written.append(path)
        if progress is not None:
            progress(stage, 1)

    write(STATIC.corpus(), "corpus.html", corpus, "corpus page")
    for fam in corpus["families"]:
        given = (collations or {}).get(fam["id"])
        view = views.family_view(index, settings, fam["id"], given)
        write(family_file(fam["id"]), "family.html", view, "family pages")
    for row in index.doc_rows():
        if links.has_page(row["id"]):
            view = views.document_view(index, settings, row["id"])
            write(document_file(row["id"]), "document.html", view, "document pages")
    return written


def report_pages(index: Index, settings: Settings) -> int:
    """How many pages :func:`write_report` writes for ``index`` (a total for a progress bar)."""
    families = pipeline.families(index, settings)
    return 1 + len(families) + len(pages_for(index, families))


__all__ = ["TEMPLATES", "environment", "pages_for", "render_page", "report_pages", "write_report"]
