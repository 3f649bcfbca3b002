"""The HTML report: a corpus page, a page per family of versions and a page per document.

:mod:`~variorum.export.report.views` builds each page's data as plain JSON-ready dicts,
:mod:`~variorum.export.report.render` fills the Jinja2 templates (``variorum/templates``) with
them and writes the static report; the web app renders the same templates from the same views,
with :class:`~variorum.export.report.links.Links` deciding where links point.
"""
