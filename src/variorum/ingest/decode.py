"""Bytes to text, and the one cleaning pass every extracted text goes through.

Every later offset indexes the text returned by :func:`clean_text`, so the cleaning is deliberately
narrow: it repairs what is *broken* (mojibake, encoding errors, line endings) and leaves what is
merely *typographic* (curly quotes, dashes, ligatures, full-width letters, Unicode composition)
exactly as the author wrote it. A quotation must be found again, character for character, in the
original.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from typing import Any

from variorum.errors import UnsupportedFormat

BINARY_REASON = "binary file, not text"


@cache
def _ftfy_config() -> Any:
    """ftfy's settings, made on first use (importing ftfy takes ~80 ms, which an ASCII text
    never needs). ftfy's defaults also straighten quotes, expand ligatures, narrow full-width
    letters and apply NFC; each would change the author's typography, so only the repairs are
    kept."""
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,  # "&amp;" in a plain text file is what the file says
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        normalization=None,
        explain=False,
    )


# What ftfy could still change in an ASCII text: control characters and terminal escapes.
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Typography of plain English text that ftfy never changes with the settings above: on their own
# (no Latin-1 letter, no C1 control beside them) these characters are continuation bytes or
# unencodable in every encoding ftfy tries, so they cannot be mojibake. An English text made of
# ASCII and these (two of the five seeds) need not import ftfy at all; a property test checks that
# ftfy leaves such text unchanged.
PLAIN_TYPOGRAPHY = "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
_NOT_PLAIN = re.compile(f"[^\t\n\r\x20-\x7e{PLAIN_TYPOGRAPHY}]")
# The ASCII characters that are plain: all but the controls of _ASCII_CONTROLS.
_PLAIN_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])

# Byte order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy Windows code pages are by far the most common non-UTF-8 encodings of official documents.
# On short texts charset-normalizer often finds several equally clean decodings (cp1252, cp1250,
# cp852 for Spanish); among those, these win in this order.
_PREFERRED_LEGACY = ("cp1252", "cp1251", "cp1250")

# A decoded text with more control characters than this share is a binary file that happened to
# decode (charset-normalizer can map almost any byte string to some code page).
_MAX_CONTROL_SHARE = 0.01
#: The control characters counted against :data:`_MAX_CONTROL_SHARE`: ASCII's (category Cc below
#: U+0080) but the whitespace ones, tab, newline, vertical tab, form feed and carriage return.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n?")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Normalise line endings to ``\\n`` and repair mojibake, keeping the original typography.

    A lone surrogate (``"\\ud800"`` in a JSON string, an upload) is no character at all and could
    not be stored or written as UTF-8: it becomes U+FFFD, the replacement character. ASCII text
    without control characters has nothing for ftfy to repair (mojibake, C1 controls and
    surrogates are all outside ASCII), so it skips ftfy, and so does ASCII with the plain English
    typography of :data:`PLAIN_TYPOGRAPHY`; a property test checks that ftfy leaves such text
    unchanged. Other text goes through ftfy only in the lines ftfy could change
    (:mod:`variorum.ingest.mojibake`).
    """
    if "\r" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if text.isascii():  # known without a scan: CPython marks strings that are ASCII
        # Only a control character could need ftfy; deleting every other byte is a C loop, a
        # tenth of the time of a regular expression's scan of the text.
        if not text.encode("ascii").translate(None, _PLAIN_ASCII):
            return text
    elif not _NOT_PLAIN.search(text):  # it matches the ASCII controls too
        return text
    from variorum.ingest.mojibake import fix_lines

    return fix_lines(_SURROGATES.sub("\ufffd", text), _ftfy_config())


def decode_bytes(data: bytes, path: str, *, html: bool = False) -> str:
    """Decode a text file whose encoding is unknown.

    Order: a byte order mark (UTF-8, UTF-16, UTF-32), BOM-less UTF-16 recognised by its NUL
    pattern, strict UTF-8, the ``<meta charset>`` of an HTML page, then charset-normalizer. Raises
    :class:`UnsupportedFormat` ("binary file, not text") when none gives text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise UnsupportedFormat(path, f"invalid {encoding.upper()} text: {error.reason}") from error
    if b"\x00" in data:
        # NUL is valid UTF-8, so this test comes first: BOM-less UTF-16 decodes as UTF-8 too.
        utf16 = bomless_utf16(data)
        if utf16 is None:
            raise UnsupportedFormat(path, BINARY_REASON)
        return _checked(utf16, path)
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            return _checked(declared, path)
    return _checked(_guess(data, path), path)


def is_binary(data: bytes) -> bool:
    """Whether a file of unknown extension looks binary (NUL bytes outside a UTF-16/32 text)."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in data[:8192] and bomless_utf16(data) is None


def _checked(text: str, path: str) -> str:
    """Reject decoded text that is mostly control characters: it was a binary file."""
    if "\x00" in text:
        raise UnsupportedFormat(path, BINARY_REASON)
    sample = text[:65536]
    controls = len(_BINARY_CONTROLS.findall(sample))  # one C pass, not a Python loop per character
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise UnsupportedFormat(path, BINARY_REASON)
    return text


def bomless_utf16(data: bytes) -> str | None:
    """Decode UTF-16 without a byte order mark, recognised by NULs at every other byte.

    Text in a Latin or Cyrillic script stored as UTF-16 has a NUL (or a small code page byte) in
    one half of every pair; a binary file has NULs scattered at both parities.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        encoding = "utf-16-le"
    elif even_nul > 0.3 and odd_nul < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _declared_charset(data: bytes) -> str | None:
    """Decode with the charset an HTML page declares in its first 4 KB, if it is known and fits."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return data.decode(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


def _guess(data: bytes, path: str) -> str:
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise UnsupportedFormat(path, BINARY_REASON)
    cleanest = min(match.chaos for match in matches)
    tied = {match.encoding: match for match in matches if match.chaos <= cleanest + 0.01}
    for encoding in _PREFERRED_LEGACY:
        if encoding in tied:
            return str(tied[encoding])
    return str(matches[0])
