"""Claim drift: the figures, dates, names and cited documents that changed between versions.

Claims are extracted from every witness's body (:mod:`variorum.collate.claims`) and tied to the
alignment table by one *anchor* token each (a figure's or a cited document's number, a date's
year, otherwise the first word), so a
claim is followed across witnesses at the same aligned place even when its wording moves around
it ("around 60.000" / "up to 60.000" anchor on the same figure). A place where the witnesses'
values (with qualifiers) differ is ``changed``; one that the earliest witnesses lack is
``appeared``; one that later witnesses lack is ``vanished``. Values are canonical, so a figure
that differs only in format is not a change.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from variorum.collate.claims import extract_claims
from variorum.collate.model import Claim, ClaimChange, Table, Variant, Witness


def _anchor(w: Witness, claim: Claim) -> int | None:
    """Index of the body token that anchors ``claim`` in ``w``, or None if it lies in a wrapper."""
    starts = w.tokens.starts
    first = bisect.bisect_left(starts, claim.start)
    last = bisect.bisect_left(starts, claim.end)
    if first >= last:
        return None
    digits = [i for i in range(first, last) if any(ch.isdigit() for ch in w.tokens.norms[i])]
    if claim.kind == "date":
        # the year: "2 April 2016" and "April 2, 2016" put day and month in other columns
        years = [i for i in digits if len(w.tokens.norms[i]) == 4]
        return years[-1] if years else (digits[-1] if digits else first)
    if claim.kind in ("quantity", "citation") and digits:
        return digits[0]
    return first


def _reading(c: Claim) -> str:
    return f"{c.qualifier} {c.value}" if c.qualifier else c.value


def claim_drift(
    table: Table, date_order: Sequence[int], variants: Sequence[Variant] = ()
) -> list[ClaimChange]:
    """Every claim that changed, appeared or vanished, most important first (:func:`rank`).

    ``date_order`` lists witness indices from the earliest; "appeared" and "vanished" are judged
    along it. A figure, date or cited document that some witnesses have and the others replace
    in the same place (:func:`_pair_replacements`) is one change, old → new, even where the
    alignment could not put the two in one column. A claim that appears or vanishes inside a
    longer addition, omission or moved passage of ``variants`` belongs to that variant (its
    paragraph was added or dropped), not to a claim of its own; a claim whose value changed is
    reported wherever it stands.
    """
    ws = table.witnesses
    column_of: list[dict[int, int]] = [{} for _ in ws]
    for c, col in enumerate(table.columns):
        for k, tok in enumerate(col):
            if tok is not None:
                column_of[k][tok] = c
    absorbed = [False] * len(table.columns)
    for v in variants:
        if v.kind == "transposition" or (v.kind in ("addition", "omission") and _words(v) >= ABSORB_MIN):
            for c in range(*v.columns):
                absorbed[c] = True
    groups: dict[tuple[str, int], dict[int, Claim]] = {}
    for k, w in enumerate(ws):
        for claim in extract_claims(w.text):
            tok = _anchor(w, claim)
            if tok is None or tok not in column_of[k]:
                continue
            groups.setdefault((claim.kind, column_of[k][tok]), {}).setdefault(k, claim)
    region = _regions(len(table.columns), variants)
    while True:  # a third witness's value joins the pair on the next pass
        paired = _pair_replacements(groups, region, len(ws))
        if len(paired) == len(groups):
            break
        groups = paired
    out = []
    for (kind, column), found in groups.items():
        values = {ws[k].id: (_reading(found[k]) if k in found else None) for k in range(len(ws))}
        distinct = {v for v in values.values() if v is not None}
        present = [k in found for k in date_order]
        if len(distinct) > 1:
            change = "changed"
        elif all(present) or absorbed[column]:
            continue
        elif not present[0] and any(present):
            change = "appeared"
        else:
            change = "vanished"
        out.append(
            ClaimChange(
                kind=kind,
                readings={
                    ws[k].id: (" ".join(found[k].text.split()) if k in found else "") for k in range(len(ws))
                },
                values=values,
                change=change,
                column=column,
                spans={
                    ws[k].id: ((found[k].start, found[k].end) if k in found else None) for k in range(len(ws))
                },
            )
        )
    out.sort(key=lambda cl: (rank(cl), cl.column, cl.kind))
    return out


#: Kinds whose value and replacement are paired across columns (names are not: a name that
#: vanishes and another that appears nearby are seldom one changed name).
PAIRED_KINDS = ("quantity", "date", "citation")
# A claim some witnesses have and one the others have, of one kind, are one change when they
# stand in one run of differing columns (a rewritten sentence: "within twenty days" / "Within
# ten days from now …") or at most this many columns apart.
PAIR_WINDOW = 6
# ... and within one run of differing columns, at most this many apart: about a sentence each
# way, so that a date dropped with one paragraph is not paired with a date in another paragraph
# added next to it.
PAIR_RUN_MAX = 30


def _regions(n_columns: int, variants: Sequence[Variant]) -> list[int]:
    """For each column, the id of the run of variant columns it lies in (-1 outside variants)."""
    covered = [False] * n_columns
    for v in variants:
        if v.kind != "transposition":
            for c in range(max(0, v.columns[0]), min(n_columns, v.columns[1])):
                covered[c] = True
    region, current = [-1] * n_columns, -1
    for c in range(n_columns):
        if covered[c]:
            if c == 0 or not covered[c - 1]:
                current += 1
            region[c] = current
    return region


def _noun(claim: Claim) -> str:
    """The counted noun of a quantity, folded ("days", "inhabitants"), or "" when none."""
    words = [w for w in claim.text.casefold().split() if any(ch.isalpha() for ch in w)]
    return words[-1].rstrip("s") if words else ""


def _pair_replacements(
    groups: dict[tuple[str, int], dict[int, Claim]], region: list[int], witnesses: int
) -> dict[tuple[str, int], dict[int, Claim]]:
    """Claims held by some witnesses, each paired with the claim the other witnesses hold in its
    place: same kind, no witness in both, one run of differing columns (or ``PAIR_WINDOW``
    columns apart), and for figures the same counted noun. Nearest pairs first."""
    partial = [key for key, found in groups.items() if key[0] in PAIRED_KINDS and len(found) < witnesses]
    candidates = []
    for i, a in enumerate(partial):
        for b in partial[i + 1 :]:
            if a[0] != b[0] or set(groups[a]) & set(groups[b]):
                continue
            distance = abs(a[1] - b[1])
            same_run = region[a[1]] >= 0 and region[a[1]] == region[b[1]] and distance <= PAIR_RUN_MAX
            if not (same_run or distance <= PAIR_WINDOW):
                continue
            if a[0] == "quantity":
                nouns = {_noun(c) for c in (*groups[a].values(), *groups[b].values())}
                if len(nouns - {""}) > 1:
                    continue
            candidates.append((distance, a, b))
    used: set[tuple[str, int]] = set()
    out = dict(groups)
    for _, a, b in sorted(candidates):
        if a in used or b in used:
            continue
        used.update((a, b))
        first, second = sorted((a, b), key=lambda key: key[1])
        out[first] = {**groups[first], **groups[second]}
        del out[second]
    return out


# An addition or omission of at least this many words is a passage added or dropped: the claims
# in it appear or vanish with it (the seeds' 2020 copy drops whole paragraphs, which gave 63
# "vanished" names and a dozen figures and dates); a shorter one ("Hikmat Hajiyev,
# Spokesperson") may be the claim's own change.
ABSORB_MIN = 8

#: The order claims are reported in: changed figures, dates, qualifiers ("around" → "up to"),
#: negations (none are extracted yet), attributions (names, cited documents); then the claims
#: that appeared or vanished, in the same order of kinds.
CATEGORIES = ("figure", "date", "qualifier", "negation", "attribution")
_KIND_ORDER = {"quantity": 0, "date": 1, "citation": 4, "entity": 4}


def category(cl: ClaimChange) -> str:
    """What a changed claim changes: "figure", "date", "qualifier" or "attribution".

    A quantity's value reads "qualifier value" ("around 60000"): when only the words before the
    figure differ, the qualifier changed.
    """
    if cl.kind == "quantity":
        figures = {v.split()[-1] for v in cl.values.values() if v}
        return "qualifier" if len(figures) == 1 else "figure"
    if cl.kind == "date":
        return "date"
    return "attribution"


def rank(cl: ClaimChange) -> int:
    """Sort key of a claim: changed ones by :data:`CATEGORIES`, then appeared and vanished ones."""
    if cl.change == "changed":
        return CATEGORIES.index(category(cl))
    return len(CATEGORIES) + _KIND_ORDER.get(cl.kind, 5)


def _words(v: Variant) -> int:
    return max((len(r.split()) for r in v.readings.values()), default=0)
