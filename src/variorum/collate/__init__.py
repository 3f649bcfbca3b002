"""Collation of versions: alignment table, variants, moves, claim drift and stemma.

``collate(documents)`` is the one entry point; the stages live in their own modules
(``witness``, ``align``, ``variants``, ``drift``, ``stemma``) and their data in ``model``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from variorum.collate.align import align_witnesses
from variorum.collate.drift import claim_drift
from variorum.collate.model import Collation, Stemma, Variant, Witness
from variorum.collate.variants import find_variants
from variorum.collate.witness import canonical_order, make_witnesses
from variorum.model import Document


def collate_witnesses(
    witnesses: Sequence[Witness], *, stemma: bool = True, replicates: int | None = None
) -> Collation:
    """Collate prepared witnesses. The result does not depend on the order they are given in:
    witnesses are put in canonical order (date, length, id) first, and reported in that order.
    ``replicates`` bounds the stemma's bootstrap (see :func:`~variorum.collate.stemma.build_stemma`)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ordered = [witnesses[i] for i in canonical_order(witnesses)]
    table, moves = align_witnesses(ordered, list(range(len(ordered))))
    t1 = time.perf_counter()
    variants = find_variants(table, moves)
    t2 = time.perf_counter()
    claims = claim_drift(table, list(range(len(ordered))), variants)
    t3 = time.perf_counter()
    tree = _stemma(variants, ordered, replicates) if stemma else Stemma(edges=(), root=None)
    t4 = time.perf_counter()
    timings.update(align=t1 - t0, variants=t2 - t1, claims=t3 - t2, stemma=t4 - t3)
    return Collation(
        table=table,
        variants=tuple(variants),
        moves=tuple(moves),
        claims=tuple(claims),
        stemma=tree,
        timings=timings,
    )


def _stemma(variants: Sequence[Variant], witnesses: Sequence[Witness], replicates: int | None) -> Stemma:
    """The stemma: of two witnesses in pure Python (:mod:`variorum.collate.stemma_pair`, the
    same result without importing numpy, ~40 ms of a ~130 ms ``collate --files a b``), of more
    on arrays (:mod:`variorum.collate.stemma`)."""
    if len(witnesses) == 2:
        from variorum.collate.stemma_pair import build_pair_stemma

        return build_pair_stemma(variants, witnesses, replicates=replicates)
    from variorum.collate.stemma import build_stemma

    return build_stemma(variants, witnesses, replicates=replicates)


def collate(documents: Sequence[Document], vocabulary: Mapping[str, int] | None = None) -> Collation:
    """Collate documents (versions of one text): see :func:`collate_witnesses`."""
    return collate_witnesses(make_witnesses(documents, vocabulary))


__all__ = ["Collation", "Witness", "collate", "collate_witnesses", "make_witnesses"]
