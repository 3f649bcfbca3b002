"""Geometry of the report's two diagrams, the corpus timeline and the stemma, as plain data.

Only coordinates and labels are computed here; the templates draw the SVG elements from them, so
every label (a file name, a reading quoted as evidence) goes through the templates' autoescape
like any other text. Sizes are in SVG user units; the diagrams scale to the page with their
``viewBox``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from typing import Any

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

# Timeline: one row per document under an axis of years.
TIMELINE_WIDTH = 1000
_MARGIN_X = 24
_UNDATED_GAP = 80  # room at the right end for documents without a date
_AXIS_Y = 22
_ROW = 26
_LABEL_CHARS = 64


def year_fraction(date: str | None) -> float | None:
    """A date as a fractional year (2018-07-02 → about 2018.5), or None when it has no year.

    A date given only to the month or the year is placed at the start of it.
    """
    m = _DATE.match(date or "")
    if not m:
        return None
    year = int(m.group(1))
    month = min(max(int(m.group(2) or 1), 1), 12)
    day = min(max(int(m.group(3) or 1), 1), calendar.monthrange(year, month)[1])
    days = 366 if calendar.isleap(year) else 365
    ordinal = sum(calendar.monthrange(year, k)[1] for k in range(1, month)) + day - 1
    return year + ordinal / days


def year_range(dates: Sequence[str | None]) -> tuple[int, int]:
    """The whole years an axis must show to hold ``dates`` (last year included)."""
    years = [int(f) for f in (year_fraction(d) for d in dates) if f is not None]
    if not years:
        return (0, 0)
    return min(years), max(years)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def timeline_layout(documents: Sequence[dict[str, Any]], years: tuple[int, int]) -> dict[str, Any]:
    """Where each document of a family goes on a timeline of ``years`` (first, last).

    ``documents`` are dicts with ``id``, ``date``, ``label`` and ``languages``; each gets a row of
    its own, so labels never collide however close the dates are, and its marker sits at its
    date on the shared axis (the same ``years`` for every family makes families comparable).
    Undated documents stand in a column of their own at the right end.
    """
    first, last = years
    span = max(last + 1 - first, 1)
    undated = any(year_fraction(d.get("date")) is None for d in documents)
    right = TIMELINE_WIDTH - _MARGIN_X - (_UNDATED_GAP if undated else 0)
    scale = (right - _MARGIN_X) / span

    def x_of(frac: float) -> float:
        return round(_MARGIN_X + (frac - first) * scale, 1)

    step = max(1, -(-span // 12))  # at most about a dozen year labels
    ticks = [{"x": x_of(y), "label": str(y)} for y in range(first, last + 2, step)] if years[0] else []
    markers = []
    for row, d in enumerate(documents):
        frac = year_fraction(d.get("date"))
        x = x_of(frac) if frac is not None else TIMELINE_WIDTH - _MARGIN_X - _UNDATED_GAP / 2
        y = _AXIS_Y + 18 + row * _ROW
        langs = ", ".join(d.get("languages") or [])
        label = " · ".join(p for p in (d.get("date") or "undated", d.get("label") or d["id"], langs) if p)
        # Labels run to the right of their marker, or to the left in the right part of the axis.
        to_left = x > TIMELINE_WIDTH * 0.55
        markers.append(
            {
                "id": d["id"],
                "x": x,
                "y": y,
                "undated": frac is None,
                "label": _short(label, _LABEL_CHARS),
                "full_label": label,
                "label_x": round(x - 10 if to_left else x + 10, 1),
                "anchor": "end" if to_left else "start",
            }
        )
    height = _AXIS_Y + 18 + max(len(documents), 1) * _ROW
    return {
        "width": TIMELINE_WIDTH,
        "height": height,
        "axis_y": _AXIS_Y,
        "axis_x0": _MARGIN_X,
        "axis_x1": right,
        "ticks": ticks,
        "undated_x": TIMELINE_WIDTH - _MARGIN_X - _UNDATED_GAP / 2 if undated else None,
        "markers": markers,
    }


# Stemma: a layered tree, root on top.
NODE_W = 200
NODE_H = 50
_GAP_X = 28
_GAP_Y = 84
_PAD = 16


def stemma_layout(nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A layered drawing of the stemma: each node one layer below its parent, leaves side by side
    in the order of ``nodes`` (witness order, then lost sources) and every parent centred over
    its children, so edges never cross.

    ``nodes`` are dicts with ``id`` (plus anything the template shows, kept as is); ``edges`` have
    ``parent`` and ``child``. Nodes no edge reaches are roots of their own. An edge that would
    close a cycle (which a stemma never has) is still drawn, between the nodes where they are.
    """
    order = {n["id"]: k for k, n in enumerate(nodes)}
    children: dict[str, list[str]] = {n["id"]: [] for n in nodes}
    has_parent: set[str] = set()
    for e in edges:
        if e["parent"] in children and e["child"] in children and e["child"] not in has_parent:
            children[e["parent"]].append(e["child"])
            has_parent.add(e["child"])
    for kids in children.values():
        kids.sort(key=lambda i: order[i])
    roots = [n["id"] for n in nodes if n["id"] not in has_parent]
    depth: dict[str, int] = {}
    slot: dict[str, float] = {}
    next_leaf = 0.0

    def place(node: str, level: int) -> None:
        nonlocal next_leaf
        depth[node] = level
        kids = [k for k in children[node] if k not in depth]
        for k in kids:
            place(k, level + 1)
        if kids:
            slot[node] = (slot[kids[0]] + slot[kids[-1]]) / 2
        else:
            slot[node] = next_leaf
            next_leaf += 1

    for r in roots:
        if r not in depth:
            place(r, 0)
    for n in nodes:  # only reachable through a cycle: give it a place anyway
        if n["id"] not in depth:
            place(n["id"], 0)
    placed = []
    for n in nodes:
        x = _PAD + slot[n["id"]] * (NODE_W + _GAP_X)
        y = _PAD + depth[n["id"]] * (NODE_H + _GAP_Y)
        placed.append({**n, "x": round(x, 1), "y": round(y, 1), "w": NODE_W, "h": NODE_H})
    at = {p["id"]: p for p in placed}
    drawn = []
    for e in edges:
        if e["parent"] not in at or e["child"] not in at:
            continue
        p, c = at[e["parent"]], at[e["child"]]
        x0, y0 = p["x"] + NODE_W / 2, p["y"] + NODE_H
        x1, y1 = c["x"] + NODE_W / 2, c["y"]
        mid = (y0 + y1) / 2
        drawn.append(
            {
                **e,
                "path": f"M{x0:.1f},{y0:.1f} C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}",
                "label_x": round((x0 + x1) / 2, 1),
                "label_y": round(mid + 4, 1),
                "dashed": bool(p.get("lost") or c.get("lost")),
            }
        )
    width = _PAD * 2 + max(next_leaf, 1) * (NODE_W + _GAP_X) - _GAP_X
    height = _PAD * 2 + (max(depth.values(), default=0) + 1) * (NODE_H + _GAP_Y) - _GAP_Y
    return {"width": round(width, 1), "height": round(height, 1), "nodes": placed, "edges": drawn}


__all__ = ["stemma_layout", "timeline_layout", "year_fraction", "year_range"]
