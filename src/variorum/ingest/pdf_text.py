"""PDF files to text with pypdfium2 (PDFium, the engine of Chrome's PDF viewer).

The text layer is taken as PDFium gives it, hard line wraps included: the segmenter repairs them
later, and doing it here would hide from it where the lines ended. Pages are joined by a blank
line. A PDF that opens only with a user password cannot be read; a PDF whose pages have no text
at all is a scan, which variorum does not OCR.
"""

from __future__ import annotations

from typing import Any

from variorum import config
from variorum.errors import EmptyDocument, EncryptedDocument, MalformedDocument, TooLarge
from variorum.ingest.limits import check_pdf_streams, check_text_length

ENCRYPTED_REASON = "encrypted PDF, cannot extract text"
NO_TEXT_REASON = "PDF has no text layer (scanned?)"


def extract_pdf(data: bytes, path: str) -> tuple[str, dict[str, Any]]:
    """The text of every page, pages separated by a blank line, and the PDF's title if set."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    if b"%PDF-" not in data[:1024]:
        raise MalformedDocument(path, "malformed PDF: no %PDF header")
    check_pdf_streams(data, path)  # before PDFium expands a byte
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD or (code is None and "password" in str(error).lower()):
            raise EncryptedDocument(path, ENCRYPTED_REASON) from error
        raise MalformedDocument(path, f"malformed PDF: {_pdfium_reason(error)}") from error
    try:
        if len(pdf) > config.MAX_PDF_PAGES:
            raise TooLarge(path, f"PDF of {len(pdf):,} pages is over the limit of {config.MAX_PDF_PAGES:,}")
        pages = []
        chars = 0
        for index in range(len(pdf)):  # the text limit is checked page by page, as pages are read
            pages.append(_page_text(pdf, index))
            chars += len(pages[-1])
            check_text_length(path, chars)
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    except pypdfium2.PdfiumError as error:
        raise MalformedDocument(path, f"malformed PDF: {_pdfium_reason(error)}") from error
    finally:
        pdf.close()
    if not pages:
        raise EmptyDocument(path, "PDF has no pages")
    if not any(page.strip() for page in pages):
        raise EmptyDocument(path, NO_TEXT_REASON)
    metadata: dict[str, Any] = {"pages": len(pages)}
    if title:
        metadata["title"] = title
    return "\n\n".join(page.strip("\n") for page in pages if page.strip()), metadata


def _page_text(pdf: Any, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()
    # PDFium marks a hyphen it believes was inserted at a line break as U+0002 and sometimes ends a
    # page with a NUL; the hyphen is what the reader sees, the NUL is nothing.
    return text.replace("\r\n", "\n").replace("\x02", "-").replace("\x00", "")


def _pdfium_reason(error: Exception) -> str:
    """PDFium's own words ("Data format error"), without pypdfium2's wrapper sentence."""
    message = str(error)
    if "(PDFium: " in message:
        return message.split("(PDFium: ", 1)[1].rstrip(").").lower()
    return message.lower() or type(error).__name__
