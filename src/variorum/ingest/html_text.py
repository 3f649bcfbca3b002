"""HTML pages to the text of their main content.

trafilatura removes navigation, footers, sidebars and comment sections, which would otherwise
make every page of one website look like a version of every other. It is tuned for recall
(``favor_recall``) because losing a paragraph of the republished text is worse than keeping a
stray line. On a very small page trafilatura may find no "main content" at all; then the visible
text of ``<body>`` is used, with a paragraph break at every block element.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree
import lxml.html

from variorum.errors import MalformedDocument
from variorum.ingest.limits import check_html_depth

# Elements whose text is never visible.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
# Elements that start a new paragraph in the fallback text.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\n\r\f]+")
# Markers for a paragraph break and a <br>, which must survive the collapsing of HTML whitespace;
# decoded text never contains these control characters.
_BREAK = "\x00"
_LINE = "\x01"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def extract_html(source: str, path: str) -> tuple[str, dict[str, Any]]:
    """The main text of an HTML page and its metadata (``title``, ``date`` when the page has them)."""
    check_html_depth(source, path)
    try:
        # lxml refuses a str that declares its own encoding, as XHTML files do.
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", source, count=1))
    except (lxml.etree.ParserError, ValueError) as error:
        raise MalformedDocument(path, f"malformed HTML: {error}") from error

    import trafilatura  # imported here: it is the slowest import of variorum

    text = trafilatura.extract(
        source,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        favor_recall=True,
    )
    if not text or not text.strip():
        text = visible_text(tree)
    return text, _metadata(source, tree)


def visible_text(tree: lxml.html.HtmlElement) -> str:
    """The visible text of ``<body>``: block elements become blank-line-separated paragraphs."""
    body = tree.find("body")
    root = body if body is not None else tree
    parts: list[str] = []
    _walk(root, parts)
    paragraphs: list[str] = []
    for chunk in "".join(parts).split(_BREAK):
        lines = (_SPACES.sub(" ", line).strip() for line in chunk.split(_LINE))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _walk(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _INVISIBLE or not tag:  # comments and processing instructions have no str tag
        if element.tail:
            parts.append(element.tail)
        return
    block = tag in _BLOCKS
    if block:
        parts.append(_BREAK)
    if tag == "br":
        parts.append(_LINE)
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if block:
        parts.append(_BREAK)
    if element.tail:
        parts.append(element.tail)


def _metadata(source: str, tree: lxml.html.HtmlElement) -> dict[str, Any]:
    import trafilatura

    # Only dates stated in the markup (meta tags, <time>, JSON-LD): a date guessed from the prose
    # is found more carefully by variorum.ingest.dates.
    found = trafilatura.extract_metadata(
        source, date_config={"extensive_search": False, "original_date": True}
    )
    title = getattr(found, "title", None) if found is not None else None
    date = getattr(found, "date", None) if found is not None else None
    if not title:
        title = tree.findtext(".//title")
    metadata: dict[str, Any] = {}
    if title and title.strip():
        metadata["title"] = _SPACES.sub(" ", title).strip()
    if date:
        metadata["date"] = date
    return metadata
