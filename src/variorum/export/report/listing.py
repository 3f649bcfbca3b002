"""Every document's listing row, read once for a whole report.

A page needs the listing of a few documents (its family's members, the documents it shares
passages with), but finding them in :meth:`Index.doc_rows` means copying and scanning every row:
on a 20,000-document index that is tens of milliseconds per page, and most of the report's time
once there are thousands of pages. :class:`Listing` reads the rows once and indexes them by id and
by family; the views take it when a caller has one and read the index themselves otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from variorum.model import Document
from variorum.store.index import Index


def date_order(row: dict[str, Any]) -> tuple[bool, str, str]:
    """Sort key of listing rows: dated first, by date, then by id."""
    return (row["date"] is None, row["date"] or "", row["id"])


@dataclass(frozen=True)
class Listing:
    """``rows`` (the index's order), ``by_id`` and ``members`` (each family's rows, date order).
    The rows are shared, not copied: readers must not change them."""

    rows: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]
    members: dict[str, list[dict[str, Any]]]

    @classmethod
    def read(cls, index: Index) -> Listing:
        """The listing of ``index`` as it is now (call :func:`variorum.pipeline.ensure_fresh` first
        for current families)."""
        rows = index.doc_rows()
        members: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            if row["family"]:
                members[row["family"]].append(row)
        for group in members.values():
            group.sort(key=date_order)
        return cls(rows=rows, by_id={r["id"]: r for r in rows}, members=dict(members))

    def documents(self, index: Index, family_id: str) -> list[Document]:
        """The documents of family ``family_id`` (a whole id), in the order they were added, as
        :func:`variorum.pipeline.collate_members` takes them."""
        rows = sorted(self.members.get(family_id, []), key=lambda r: r["num"])
        return [index.document(r["num"]) for r in rows]

    def family_of(self, doc_id: str) -> list[dict[str, Any]]:
        """The rows of ``doc_id``'s family (date order), empty when it has none."""
        family = self.by_id[doc_id]["family"]
        return self.members.get(family, []) if family else []


__all__ = ["Listing", "date_order"]
