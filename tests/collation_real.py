"""Collation cases drawn from real versions of one text: the clauses of the BSD licence as
Debian packages quote them in ``/usr/share/doc/PACKAGE/copyright``.

Each package's copy names its own copyright holder ("the University", "the copyright holder",
"cereal", "the University of Cambridge"), and some reword around it ("any contributors", "THE
AUTHOR" with no "AND CONTRIBUTORS"): real re-issues of one text, with the small replacements,
additions and omissions a collation must place. The text is read from the installed files at test
time (the packages are part of every Debian system: dash, findutils, libzstd1, libpcre2-8-0,
libc6, libxxhash0, apt, perl-base); only the expected tables are kept here. The clauses are the
BSD licence's (University of California, Berkeley, and its many re-issues by other holders),
which permits copying them with the software; the copyright files are distributed by Debian with
each package.

A witness is the clause's words as variorum normalizes them (lowercase, punctuation dropped), so
that rows of the expected tables spell them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from collation_cases import Case

from variorum.text.normalize import tokenize

DOCS = Path("/usr/share/doc")


@dataclass(frozen=True)
class RealCase:
    name: str
    kind: str
    sources: tuple[tuple[str, str], ...]  # (package, regular expression of the clause in its copyright)
    table: tuple[str, ...]
    rule: str = ""


def clause(package: str, pattern: str) -> str | None:
    """The clause in the package's copyright file, its words normalized; None if not installed."""
    path = DOCS / package / "copyright"
    if not path.is_file():
        return None
    text = " ".join(path.read_text(encoding="utf-8", errors="replace").replace("*", " ").split())
    found = re.search(pattern, text)
    if found is None:
        raise ValueError(f"{path}: no clause matching {pattern!r}")
    return " ".join(tokenize(found.group()).norms)


def load(case: RealCase) -> tuple[Case | None, str]:
    """The case with its witnesses read from the installed files, or None and the reason."""
    witnesses = []
    for package, pattern in case.sources:
        text = clause(package, pattern)
        if text is None:
            return None, f"{DOCS / package / 'copyright'} not found (package {package} not installed)"
        witnesses.append(text)
    return Case(case.name, case.kind, tuple(witnesses), case.table, case.rule), ""


# The clauses as regular expressions over the copyright file (whitespace and comment stars
# folded), with the holder's name as the one slot.
NEITHER = r"Neither the name of {} nor the names of (?:its|any) contributors may be used to endorse or promote products derived from this software without specific prior written permission\."
PROVIDED = r"THIS SOFTWARE IS PROVIDED BY {} (?:``|\")AS IS(?:''|\") AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED\."

LIABLE = r"IN NO EVENT SHALL {} BE LIABLE FOR ANY [A-Z ,]*?CONSEQUENTIAL DAMAGES"

LEFT = "an unmatched word stands in the first free column after the last match (CollateX's rank)"

REAL_CASES: tuple[RealCase, ...] = (
    RealCase(
        "clause 3 with five holders", "real: BSD licence clauses",
        (("dash", NEITHER.format("the University")),
         ("findutils", NEITHER.format("the copyright holder")),
         ("libzstd1", NEITHER.format("cereal")),
         ("libpcre2-8-0", NEITHER.format("the University of Cambridge")),
         ("libc6", NEITHER.format(r'the "Oracle America, Inc\."'))),
        ("neither the name of the university - - nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission",
         "neither the name of the copyright holder - nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission",
         "neither the name of cereal - - - nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission",
         "neither the name of the university of cambridge nor the names of any contributors may be used to endorse or promote products derived from this software without specific prior written permission",
         "neither the name of the oracle america inc nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission"),
        LEFT,
    ),
    RealCase(
        "disclaimer with five holders", "real: BSD licence clauses",
        (("dash", PROVIDED.format("THE REGENTS AND CONTRIBUTORS")),
         ("libxxhash0", PROVIDED.format("THE COPYRIGHT HOLDERS AND CONTRIBUTORS")),
         ("apt", PROVIDED.format("THE AUTHOR")),
         ("libc6", PROVIDED.format("CARNEGIE MELLON UNIVERSITY AND CONTRIBUTORS")),
         ("perl-base", PROVIDED.format("POWERDOG INDUSTRIES"))),
        ("this software is provided by the regents - and contributors as is and any express or implied warranties including but not limited to the implied warranties of merchantability and fitness for a particular purpose are disclaimed",
         "this software is provided by the copyright holders and contributors as is and any express or implied warranties including but not limited to the implied warranties of merchantability and fitness for a particular purpose are disclaimed",
         "this software is provided by the author - - - as is and any express or implied warranties including but not limited to the implied warranties of merchantability and fitness for a particular purpose are disclaimed",
         "this software is provided by carnegie mellon university and contributors as is and any express or implied warranties including but not limited to the implied warranties of merchantability and fitness for a particular purpose are disclaimed",
         "this software is provided by powerdog industries - - - as is and any express or implied warranties including but not limited to the implied warranties of merchantability and fitness for a particular purpose are disclaimed"),
        LEFT + "; matched words (and, contributors) keep their columns",
    ),
    RealCase(
        "liability with a moved word", "real: BSD licence clauses",
        (("dash", LIABLE.format("THE REGENTS OR CONTRIBUTORS")),
         ("findutils", LIABLE.format("THE AUTHOR")),
         ("libc6", LIABLE.format("DIGITAL EQUIPMENT CORPORATION")),
         ("libc6", LIABLE.format("INTEL OR CONTRIBUTORS"))),
        ("in no event shall the regents or contributors be liable for any - direct indirect incidental special exemplary or consequential damages",
         "in no event shall the author - - be liable for any special direct indirect - - - or consequential damages",
         "in no event shall digital equipment corporation - be liable for any special direct indirect - - - or consequential damages",
         "in no event shall intel - or contributors be liable for any - direct indirect incidental special exemplary or consequential damages"),
        LEFT + "; of a word moved over two others ('special'), the two stay matched and it moves",
    ),
)  # fmt: skip
