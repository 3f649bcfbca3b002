"""CollateX interchange: its witness JSON in, its alignment-table JSON out.

CollateX (https://collatex.net; the Python port is the ``collatex`` package) is the common
collation tool of digital editions, so variorum speaks its two JSON formats:

* witness input, ``{"witnesses": [{"id": "A", "content": "…"} | {"id": "A", "tokens": [{"t", "n"?}]}]}``,
  read by :func:`read_collatex_witnesses` so that texts already prepared for CollateX can be
  collated by variorum;
* the alignment table that ``collatex.collate(collation, output="json", segmentation=False)``
  writes, produced by :func:`collation_to_collatex` so that tools built on CollateX output can
  read a variorum collation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from variorum.collate.model import Collation, Witness
from variorum.errors import MalformedDocument
from variorum.text.normalize import Tokens, tokenize


def _witness_name(index: int, wid: object) -> str:
    """How an error names a witness: by its id when it has a usable one, else by position."""
    return f"witness {wid!r}" if isinstance(wid, str) and wid else f"witness {index + 1}"


def _token_norm(t: str, stripped: str) -> str:
    """Variorum's normalized form of one CollateX token that came without an ``n``.

    The token text goes through :func:`tokenize`, so that number formats, case, diacritics and
    punctuation fold exactly as in variorum's own witnesses ("Dog." and "dog" meet, "60.000" and
    "60,000" meet). A token that is only punctuation has no word left; it keeps its stripped
    text, so that "." still aligns with "." as it does in CollateX.
    """
    norms = tokenize(t).norms
    return " ".join(norms) if norms else stripped


def _pretokenized(where: str, tokens: object) -> tuple[str, Tokens]:
    """Text and tokens of a pre-tokenized witness, one variorum token per CollateX token."""
    if not isinstance(tokens, list):
        raise MalformedDocument(where, f'"tokens" is a JSON {type(tokens).__name__}, not an array')
    parts: list[str] = []
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for k, token in enumerate(tokens):
        if not isinstance(token, Mapping):
            raise MalformedDocument(where, f"token {k + 1} is a JSON {type(token).__name__}, not an object")
        t = token.get("t")
        if not isinstance(t, str):
            found = "missing" if t is None else f"a {type(t).__name__}"
            raise MalformedDocument(where, f'token {k + 1}: "t" is {found}, not a string')
        stripped = t.strip()
        if not stripped:
            raise MalformedDocument(where, f'token {k + 1}: "t" is empty or only whitespace')
        n = token.get("n")
        if n is not None and not isinstance(n, str):
            raise MalformedDocument(where, f'token {k + 1}: "n" is a {type(n).__name__}, not a string')
        # CollateX tokens carry the whitespace that follows them (and sometimes precedes them);
        # the span quotes the word alone, the text keeps the whitespace between words.
        start = offset + (len(t) - len(t.lstrip()))
        parts.append(t)
        norms.append(n if n is not None else _token_norm(t, stripped))
        starts.append(start)
        ends.append(start + len(stripped))
        offset += len(t)
    return "".join(parts), Tokens(norms, starts, ends)


def read_collatex_witnesses(data: dict[str, Any], path: str = "<json>") -> list[Witness]:
    """The witnesses of a CollateX witness-input JSON document, in document order.

    A witness with ``content`` is tokenized by variorum (CollateX would cut it differently; variorum
    compares its own tokens). A witness with ``tokens`` is taken as given: one token per CollateX
    token, its ``n`` used verbatim as the normalized form when present (the editor chose it),
    the text being the concatenation of the ``t`` values. Every token lies in paragraph 0 and no
    token is a wrapper: CollateX input carries no layout. ``path`` names the source in errors
    and is recorded on each witness.

    Raises :class:`~variorum.errors.MalformedDocument` naming ``path`` and what is wrong.
    """
    if not isinstance(data, Mapping):
        raise MalformedDocument(path, f"CollateX input is a JSON {type(data).__name__}, not an object")
    if "witnesses" not in data:
        raise MalformedDocument(path, 'not CollateX witness input: no "witnesses" field')
    entries = data["witnesses"]
    if not isinstance(entries, list):
        raise MalformedDocument(path, f'"witnesses" is a JSON {type(entries).__name__}, not an array')
    if not entries:
        raise MalformedDocument(path, '"witnesses" is empty')
    seen: dict[str, int] = {}
    witnesses: list[Witness] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise MalformedDocument(path, f"witness {i + 1} is a JSON {type(entry).__name__}, not an object")
        wid = entry.get("id")
        if wid is None:
            raise MalformedDocument(path, f'witness {i + 1} has no "id"')
        if not isinstance(wid, str) or not wid.strip():
            raise MalformedDocument(path, f'witness {i + 1}: "id" must be a non-empty string, got {wid!r}')
        if wid in seen:
            raise MalformedDocument(
                path, f"duplicate witness id {wid!r} (witnesses {seen[wid] + 1} and {i + 1})"
            )
        seen[wid] = i
        where = f"{path}: {_witness_name(i, wid)}"
        has_content, has_tokens = "content" in entry, "tokens" in entry
        if has_content and has_tokens:
            raise MalformedDocument(where, 'has both "content" and "tokens"; give one of them')
        if not has_content and not has_tokens:
            raise MalformedDocument(where, 'has neither "content" nor "tokens"')
        if has_content:
            text = entry["content"]
            if not isinstance(text, str):
                raise MalformedDocument(where, f'"content" is a JSON {type(text).__name__}, not a string')
            tokens = tokenize(text)
        else:
            text, tokens = _pretokenized(where, entry["tokens"])
        n = len(tokens)
        witnesses.append(
            Witness(
                id=wid,
                text=text,
                tokens=tokens,
                paragraph=(0,) * n,
                wrapper=(False,) * n,
                path=path,
                label=wid,
            )
        )
    return witnesses


def _token_texts(w: Witness) -> list[str]:
    """Each token's text as CollateX writes it: the word and what follows it up to the next word.

    CollateX tokens carry their trailing whitespace (and CollateX's default tokenizer makes
    punctuation tokens of its own); variorum has no punctuation tokens, so the punctuation and
    whitespace after a word travel with it. Joining a row's ``t`` values therefore reproduces the
    witness's text from its first token on, as CollateX's own renderers expect.
    """
    starts, ends = w.tokens.starts, w.tokens.ends
    n = len(starts)
    texts: list[str] = []
    for i in range(n):
        end = starts[i + 1] if i + 1 < n else len(w.text)
        texts.append(w.text[starts[i] : max(end, ends[i])])
    return texts


def collation_to_collatex(c: Collation) -> dict[str, Any]:
    """The alignment table in CollateX's own JSON shape (``output="json"``, no segmentation).

    ``{"witnesses": [id, …], "table": [row per witness: [null | [token] per column]]}``; each token
    is ``{"t", "n", "_sigil", "_token_array_position"}``. ``_token_array_position`` follows
    CollateX: the position in the token array of all witnesses in order, with one marker slot
    between witnesses (witness ``k`` starts at ``sum(len(w_i) + 1 for i < k)``), so it is not the
    index within the witness; ``table`` of :func:`~variorum.export.collation_json.collation_to_json`
    has those. Serialize with ``json.dumps(…, sort_keys=True, ensure_ascii=False)`` to write what
    CollateX writes.
    """
    witnesses = c.witnesses
    table: list[list[list[dict[str, Any]] | None]] = []
    offset = 0
    for w_index, w in enumerate(witnesses):
        texts = _token_texts(w)
        norms = w.tokens.norms
        row: list[list[dict[str, Any]] | None] = []
        for column in c.table.columns:
            idx = column[w_index]
            if idx is None:
                row.append(None)
                continue
            row.append(
                [
                    {
                        "t": texts[idx],
                        "n": norms[idx],
                        "_sigil": w.id,
                        "_token_array_position": offset + idx,
                    }
                ]
            )
        table.append(row)
        offset += len(w.tokens) + 1
    return {"witnesses": [w.id for w in witnesses], "table": table}


__all__ = ["collation_to_collatex", "read_collatex_witnesses"]
