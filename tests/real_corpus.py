"""A development corpus of real documents, built at test time from installed Debian packages.

Nothing here is generated text: every document is a file shipped by a Debian package (a manual
page, a licence in a package's copyright file, a chapter of a translated handbook, a Bible chapter
read with ``diatheke``), cut out and written to ``dest`` the same way on every machine with the same
package versions. The only transformed documents are the OCR-noised ones, made from a real text by
a seeded noise model (``ocr_noise``) and said so in ``tests/realdata/sources.toml``.

``tests/realdata/sources.toml`` lists the documents (package, path, how each is extracted, date,
language, licence, version group, why it belongs); ``tests/realdata/truth.toml`` holds the
relations between them, written by reading the documents. ``score`` compares an engine's families
and typed relations with that truth.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import random
import re
import shutil
import subprocess
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "realdata"
SOURCES = DATA / "sources.toml"
TRUTH = DATA / "truth.toml"
PACKAGES_FILE = DATA / "packages.txt"

#: Kinds of relation between two documents that share text (``translation``: the same text in
#: another language, which shares option names, numbers and names but few words).
KINDS = ("copy", "revision", "excerpt", "quotation", "boilerplate", "translation")
#: Kinds that make two documents versions of one text (members of one family).
FAMILY_KINDS = frozenset({"copy", "revision", "excerpt"})
#: Kinds whose pairs the headline kind accuracy is measured on: relations between versions and
#: quotations, what a reader asks "how are these related?" about.
SUBSTANTIVE_KINDS = ("copy", "revision", "excerpt", "quotation")
#: Kinds a [[set]] of truth.toml never writes over a stronger relation with.
WEAK_KINDS = frozenset({"boilerplate", "translation"})


def _read_packages() -> list[str]:
    lines = PACKAGES_FILE.read_text(encoding="utf-8").splitlines()
    return [ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()]


#: Debian packages the corpus is built from (one list, also read by the Makefile).
PACKAGES: list[str] = _read_packages()


@dataclass(frozen=True)
class Spec:
    """One document of the corpus: where it comes from and what it is."""

    id: str
    package: str
    path: str
    extract: str
    language: str
    licence: str
    note: str
    date: str | None = None
    group: str | None = None
    ext: str = "txt"
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.id}.{self.ext}"


@dataclass(frozen=True)
class Truth:
    """Expected version groups and relation kinds (pairs not listed are unrelated)."""

    groups: dict[str, frozenset[str]]
    kinds: dict[frozenset[str], str]
    negatives: frozenset[str]


_SPEC_FIELDS = {"id", "package", "path", "extract", "language", "licence", "note", "date", "group", "ext"}


def specs() -> list[Spec]:
    """Every document of the corpus, in the order of ``sources.toml``."""
    raw = tomllib.loads(SOURCES.read_text(encoding="utf-8"))
    out = []
    for entry in raw["doc"]:
        known = {k: v for k, v in entry.items() if k in _SPEC_FIELDS}
        options = {k: v for k, v in entry.items() if k not in _SPEC_FIELDS}
        out.append(Spec(**known, options=options))
    ids = [s.id for s in out]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    if dupes:
        raise ValueError(f"sources.toml: duplicate ids {dupes}")
    return out


def missing() -> list[str]:
    """The packages of ``PACKAGES`` that are not installed on this machine, and the installed
    ones whose files the corpus reads are absent (an image that excludes /usr/share/man or
    /usr/share/doc through dpkg's path-exclude, say)."""
    if shutil.which("dpkg-query") is None:
        return [f"{pkg} (no dpkg-query: not a Debian system)" for pkg in PACKAGES]
    out = []
    for pkg in PACKAGES:
        r = subprocess.run(
            ["dpkg-query", "-W", "-f=${db:Status-Abbrev}", pkg],
            capture_output=True,
            text=True,
            check=False,
        )
        if r.returncode != 0 or not r.stdout.startswith("ii"):
            out.append(pkg)
    for spec in specs():
        if spec.package not in out and not Path(spec.path).exists():
            out.append(f"{spec.package} (installed, but {spec.path} is absent)")
    return out


# -- extraction --------------------------------------------------------------------------------

# One environment for every external tool, so that rendering does not depend on the caller's locale.
_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "MANWIDTH": "80", "MAN_DISABLE_SECCOMP": "1"}


def _run(cmd: list[str], stdin: bytes | None = None) -> str:
    r = subprocess.run(cmd, input=stdin, capture_output=True, env=_ENV, check=True)
    return r.stdout.decode("utf-8")


def _read_text(path: str) -> str:
    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def render_man(path: str) -> str:
    """A manual page as ``man`` shows it in an 80-column terminal, without overstrike."""
    raw = _run(["man", "-l", "-E", "UTF-8", path])
    return _run(["col", "-bx"], raw.encode("utf-8"))


def between(text: str, start: str, end: str | None) -> str:
    """The lines from the first line starting with ``start`` up to, not including, the next
    line starting with ``end`` (or the end of the text)."""
    lines = text.splitlines()
    try:
        i = next(n for n, ln in enumerate(lines) if ln.startswith(start))
    except StopIteration:
        raise ValueError(f"no line starts with {start!r}") from None
    j = len(lines)
    if end is not None:
        j = next((n for n in range(i + 1, len(lines)) if lines[n].startswith(end)), None)
        if j is None:
            raise ValueError(f"no line starts with {end!r} after {start!r}")
    return "\n".join(lines[i:j])


_VERSE = re.compile(r"((?:I{1,3} )?[A-Z][A-Za-z]+(?: of [A-Z][a-z]+)?) (\d+):(\d+): ")


def bible(module: str, key: str, title: str) -> str:
    """Chapters of a SWORD module as a plain edition: a title, one line per numbered verse, a
    blank line between chapters."""
    raw = _run(["diatheke", "-b", module, "-f", "plain", "-o", "h", "-k", key])
    raw = raw.replace(f"({module})", "")
    parts = _VERSE.split(raw)
    lead = " ".join(parts[0].split())
    lines = [title, ""]
    if lead:
        lines.append(lead)
    chapter = None
    for i in range(1, len(parts), 4):
        ch, verse, text = parts[i + 1], parts[i + 2], " ".join(parts[i + 3].split())
        if chapter is not None and ch != chapter:
            lines.append("")
        chapter = ch
        lines.append(f"{verse} {text}")
    return "\n".join(lines)


def ocr_noise(text: str, seed: int, width: int = 62) -> str:
    """A seeded, deterministic imitation of OCR and extraction noise on a real text.

    Per word: split inside the word by a stray space (3 %), ``rn`` read as ``m`` (half the time),
    ``l`` read as ``1`` (2 % of l's), ``m`` read as ``rn`` (1 %); then the text is hard-wrapped at
    ``width`` columns, with words that cross the margin hyphenated across the line break a third
    of the time. Paragraph breaks (blank lines) are kept.
    """
    rng = random.Random(seed)
    paragraphs = re.split(r"\n\s*\n", text)
    out = []
    for para in paragraphs:
        words = []
        for w in para.split():
            if "rn" in w and rng.random() < 0.5:
                w = w.replace("rn", "m")
            elif "m" in w and rng.random() < 0.01:
                w = w.replace("m", "rn", 1)
            w = "".join("1" if c == "l" and rng.random() < 0.02 else c for c in w)
            if len(w) >= 6 and w.isalpha() and rng.random() < 0.03:
                cut = rng.randrange(2, len(w) - 2)
                words.extend([w[:cut], w[cut:]])
            else:
                words.append(w)
        lines, line = [], ""
        for w in words:
            if not line:
                line = w
            elif len(line) + 1 + len(w) <= width:
                line += " " + w
            elif len(w) >= 7 and w.isalpha() and rng.random() < 1 / 3:
                room = width - len(line) - 2
                cut = max(2, min(room, len(w) - 3))
                lines.append(f"{line} {w[:cut]}-")
                line = w[cut:]
            else:
                lines.append(line)
                line = w
        if line:
            lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def extract(spec: Spec, built: Mapping[str, str]) -> str:
    """The text of one document (``built`` holds the documents extracted before it)."""
    o = spec.options
    if spec.extract == "file":
        text = _read_text(spec.path)
    elif spec.extract == "man":
        text = render_man(spec.path)
    elif spec.extract == "between":
        text = between(_read_text(spec.path), o["start"], o.get("end"))
    elif spec.extract == "bible":
        text = bible(o["module"], o["key"], o["title"])
    elif spec.extract == "ocr":
        text = ocr_noise(built[o["source"]], int(o["seed"]))
    else:
        raise ValueError(f"{spec.id}: unknown extraction {spec.extract!r}")
    text = "\n".join(ln.rstrip() for ln in text.replace("\r\n", "\n").splitlines()).strip("\n")
    return text + "\n"


def build(dest: Path) -> list[Spec]:
    """Extract every document into ``dest`` as ``<id>.<ext>``; the same bytes on every run."""
    dest.mkdir(parents=True, exist_ok=True)
    built: dict[str, str] = {}
    all_specs = specs()
    for spec in all_specs:
        try:
            text = extract(spec, built)
        except (ValueError, OSError, subprocess.CalledProcessError) as e:
            raise RuntimeError(f"{spec.id}: cannot extract from {spec.path}: {e}") from e
        built[spec.id] = text
        (dest / spec.filename).write_bytes(text.encode("utf-8"))
    return all_specs


def corpus_hash(dest: Path) -> str:
    """A short hash of the built corpus (names and bytes), to pin measured floors to."""
    h = hashlib.sha256()
    for p in sorted(dest.iterdir()):
        if p.is_file():
            h.update(p.name.encode())
            h.update(b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


# -- ground truth ------------------------------------------------------------------------------


def truth() -> Truth:
    """Groups (connected sets of copy/revision/excerpt pairs) and the expected kind of every
    related pair, from ``truth.toml``; checked against the ``group`` of each source."""
    raw = tomllib.loads(TRUTH.read_text(encoding="utf-8"))
    all_specs = specs()
    ids = {s.id for s in all_specs}
    kinds: dict[frozenset[str], str] = {}

    def put(a: str, b: str, kind: str, override: bool) -> None:
        if a not in ids or b not in ids:
            raise ValueError(f"truth.toml: unknown document in ({a}, {b})")
        if kind not in KINDS:
            raise ValueError(f"truth.toml: unknown kind {kind!r} for ({a}, {b})")
        key = frozenset((a, b))
        if override or key not in kinds:
            kinds[key] = kind

    for s in raw.get("set", []):
        for a, b in itertools.combinations(s["docs"], 2):
            put(a, b, s["kind"], override=s["kind"] not in WEAK_KINDS)
    for p in raw.get("pair", []):
        put(p["a"], p["b"], p["kind"], override=True)
    # Boilerplate sets are filled last and never overwrite a stronger relation.
    groups = _components(ids, [k for k, v in kinds.items() if v in FAMILY_KINDS])
    declared = defaultdict(set)
    for s in all_specs:
        if s.group:
            declared[s.group].add(s.id)
    found = {frozenset(g) for g in groups}
    if found != {frozenset(g) for g in declared.values()}:
        raise ValueError("truth.toml and the groups of sources.toml disagree")
    by_name = {name: frozenset(members) for name, members in declared.items()}
    negatives = frozenset(s.id for s in all_specs if s.group is None)
    return Truth(groups=by_name, kinds=kinds, negatives=negatives)


def _components(ids: Iterable[str], edges: Iterable[frozenset[str]]) -> list[set[str]]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        a, b = sorted(e)
        parent[find(a)] = find(b)
    comps: dict[str, set[str]] = defaultdict(set)
    for i in parent:
        comps[find(i)].add(i)
    return [c for c in comps.values() if len(c) > 1]


# -- scoring -----------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def score(
    families: Mapping[str, str | None],
    relations: Mapping[frozenset[str], str],
    expected: Truth | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Compare predicted families and relation kinds with the truth.

    ``families`` maps a document id (the ids of ``sources.toml``) to its family id, or to None
    (or is missing) when the document is in no family. ``relations`` maps a pair of document ids
    to a kind. Returns pair precision and recall of same-family pairs, the truth groups found
    exactly, relation-kind accuracy over the pairs the truth relates as copy, revision, excerpt or
    quotation (``kind_accuracy``; over every listed pair, boilerplate and translation included:
    ``kind_accuracy_all``; and per kind),
    and the hard negatives (documents of no group) placed in a family with another document.

    Groups are versions in one language; a family may also hold translations. So pairs and
    groups are compared within one language (``languages``, by default the corpus's own): a
    translation in the family is neither right nor wrong here, as in an evaluation of
    same-language version pairs.
    """
    t = expected or truth()
    if languages is None:
        languages = {sp.id: sp.language for sp in specs()} if expected is None else {}
    lang = languages.get
    true_pairs = {frozenset(p) for g in t.groups.values() for p in itertools.combinations(sorted(g), 2)}
    members: dict[str, set[str]] = defaultdict(set)
    for doc, fam in families.items():
        if fam is not None:
            members[fam].add(doc)
    pred_pairs = {
        frozenset(p)
        for docs in members.values()
        for p in itertools.combinations(sorted(docs), 2)
        if lang(p[0]) == lang(p[1])
    }
    hit = true_pairs & pred_pairs
    exact = []
    for name, group in sorted(t.groups.items()):
        fams = {families.get(d) for d in group}
        language = lang(next(iter(group)))
        if len(fams) == 1 and None not in fams:
            same = {d for d in members[next(iter(fams))] if lang(d) == language}
            if same == set(group):
                exact.append(name)
    per_kind: dict[str, dict[str, int]] = {k: {"right": 0, "total": 0} for k in KINDS}
    confusion: Counter[tuple[str, str]] = Counter()
    for pair, kind in t.kinds.items():
        got = relations.get(pair, "none")
        per_kind[kind]["total"] += 1
        per_kind[kind]["right"] += got == kind
        if got != kind:
            confusion[(kind, got)] += 1
    right = sum(per_kind[k]["right"] for k in SUBSTANTIVE_KINDS)
    related = sum(per_kind[k]["total"] for k in SUBSTANTIVE_KINDS)
    right_all = sum(v["right"] for v in per_kind.values())
    negatives_grouped = sorted(
        d
        for d in t.negatives
        if families.get(d) is not None and any(o != d and lang(o) == lang(d) for o in members[families[d]])
    )
    unrelated_linked = sorted(
        tuple(sorted(p)) for p, k in relations.items() if k != "none" and p not in t.kinds
    )
    return {
        "pairs_true": len(true_pairs),
        "pairs_predicted": len(pred_pairs),
        "pairs_found": len(hit),
        "pair_precision": _ratio(len(hit), len(pred_pairs)),
        "pair_recall": _ratio(len(hit), len(true_pairs)),
        "groups": len(t.groups),
        "groups_exact": len(exact),
        "groups_exact_names": exact,
        "kind_accuracy": _ratio(right, related),
        "kind_accuracy_all": _ratio(right_all, len(t.kinds)),
        "kinds": per_kind,
        "kind_confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())},
        "negatives_grouped": negatives_grouped,
        "unrelated_linked": unrelated_linked,
        "missed_pairs": sorted(tuple(sorted(p)) for p in true_pairs - pred_pairs),
        "wrong_pairs": sorted(tuple(sorted(p)) for p in pred_pairs - true_pairs),
    }


_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W_]+")


def shared_runs(dest: Path, n: int) -> set[frozenset[str]]:
    """Pairs of built documents that share a run of ``n`` identical lower-cased words (one token
    per Han or kana character), in the text variorum extracts from each file."""
    from variorum.ingest import read_file

    grams: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for p in sorted(dest.iterdir()):
        words = _WORD.findall(read_file(p).text.lower())
        for i in range(len(words) - n + 1):
            grams[tuple(words[i : i + n])].add(id_of_path(p))
    pairs: set[frozenset[str]] = set()
    for docs in grams.values():
        if 1 < len(docs) < 40:
            pairs.update(frozenset(p) for p in itertools.combinations(sorted(docs), 2))
    return pairs


# -- running the engine ------------------------------------------------------------------------


def analyse(dest: Path, db: Path) -> tuple[dict[str, str | None], dict[frozenset[str], str]]:
    """Index a built corpus as ``variorum analyze`` does (``pipeline.add``, then families and
    typed relations) and return families and relation kinds keyed by corpus ids (through each
    file's path)."""
    from variorum import pipeline
    from variorum.config import Settings
    from variorum.ingest import read_file
    from variorum.store.index import Index

    settings = Settings()
    docs = [read_file(p) for p in sorted(dest.iterdir())]
    corpus_id = {d.id: id_of_path(d.path) for d in docs}
    with Index.open(db) as index:
        pipeline.add(index, docs, settings)
        fams = {
            corpus_id[d["id"]]: f["id"] for f in pipeline.families(index, settings) for d in f["documents"]
        }
        relations = {
            frozenset((corpus_id[r["a"]["id"]], corpus_id[r["b"]["id"]])): r["kind"]
            for r in pipeline.relations(index, settings)
        }
    families: dict[str, str | None] = {i: fams.get(i) for i in corpus_id.values()}
    return families, relations


def id_of_path(path: str | os.PathLike[str]) -> str:
    """The corpus id of a built file (its name without the extension)."""
    return Path(path).name.rsplit(".", 1)[0]
