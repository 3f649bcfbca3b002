"""Commands of the ``variorum`` CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from variorum.cli import fastparams, quick
from variorum.cli.output import (
    CsvOption,
    JsonOption,
    emit,
    err,
    name_of,
    out,
    print_json,
    short_id,
    table,
)
from variorum.cli.quick import CollateFormat
from variorum.config import DEFAULT_DB, Settings
from variorum.errors import InputError, Interrupted, UsageError

if TYPE_CHECKING:  # the rest is imported by the commands that use it, so that each starts fast
    from rich.progress import Progress

    from variorum import pipeline
    from variorum.model import Document
    from variorum.store.index import Index

app = typer.Typer(
    help=(
        "Where has this text been published before, and what changed?\n\n"
        "Examples:\n\n"
        "  variorum analyze examples/ -o out/        # the main job: index, discover, summarize\n\n"
        "  variorum add reports/ --db corpus.db      # index a folder (incremental)\n\n"
        "  variorum families --json                  # which documents are versions of one text\n\n"
        "  variorum compare a.pdf b.html             # shared passages of two files, no index\n\n"
        "  variorum query new.txt                    # where has this text appeared before?"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
fastparams.install()  # values that need no conversion (most of them) skip pydantic

DbOption = Annotated[
    Path,
    typer.Option(
        "--db", envvar="VARIORUM_DB", help="SQLite index file (default ./variorum.db).", show_default=False
    ),
]
MinWords = Annotated[
    int | None, typer.Option("--min-words", help="Shortest passage reported, in words (default 20).", min=5)
]


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """:func:`variorum.results.plural`, imported when a command prints a count."""
    from variorum.results import plural as counted

    return counted(n, singular, plural_form)


def _settings(min_words: int | None = None, ignore_series: bool | None = None) -> Settings:
    return quick.settings(min_words, ignore_series)


_print_json = print_json


def _version(value: bool) -> None:
    if value:
        from variorum import __version__

        sys.stdout.write(f"variorum {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Where has this text been published before, and what changed?"""


def _open_index(db: Path, *, create: bool = False) -> Index:
    from variorum.store.index import Index

    return Index.open(db, create=create)


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.get(),
        transient=True,
    )


def _advance(bar: Progress, task: Any) -> Callable[[str, int], None]:
    """A library progress callback (stage, advance) that moves ``task`` on ``bar``."""
    return lambda stage, n: bar.update(task, advance=n, description=stage)


def _read_one(path: str) -> Document:
    return quick.read_one(path)


#: Whether a command already said what an interruption kept (then ``main`` adds nothing).
INTERRUPT_REPORTED = False


def _add(
    paths: list[str],
    db: Path,
    settings: Settings,
    strict: bool,
    meta: dict[str, str],
    exclude_dirs: tuple[Path, ...] = (),
) -> pipeline.AddReport:
    """Add ``paths`` to the index at ``db`` with a progress bar; never reads the index itself."""
    from variorum import pipeline
    from variorum.ingest import read_inputs
    from variorum.model import Skip

    skipped: list[Skip] = []

    def on_skip(skip: Skip) -> None:
        if strict:
            raise InputError(skip.path, f"{skip.reason} (--strict: stopping)")
        err.print(str(skip), markup=False, highlight=False)
        skipped.append(skip)

    report: pipeline.AddReport | None = None
    try:
        with _open_index(db, create=True) as index, _progress() as bar:
            task = bar.add_task("indexing", total=None)

            def progress(stage: str, advance: int) -> None:
                bar.update(task, advance=advance, description=stage)

            exclude = [str(db), f"{db}-wal", f"{db}-shm", f"{db}-journal", *map(str, exclude_dirs)]
            docs = read_inputs(
                paths, stdin=sys.stdin, on_skip=on_skip, metadata=meta or None, exclude=exclude
            )
            report = pipeline.add(index, docs, settings, skipped=skipped, progress=progress)
    except KeyboardInterrupt as interrupt:
        # Interrupted: within add, which counted what it kept. A Ctrl-C after add returned
        # (while the index closes) keeps every document it added: said so, not "nothing".
        if not isinstance(interrupt, Interrupted) and report is None:
            raise
        kept = interrupt if isinstance(interrupt, Interrupted) else Interrupted(report.added)  # type: ignore[union-attr]
        err.print(str(kept), markup=False, highlight=False)
        global INTERRUPT_REPORTED
        INTERRUPT_REPORTED = True
        raise typer.Exit(130) from None
    assert report is not None
    for skip in report.skipped[len(skipped) :]:  # skips found while adding (a repeated id)
        err.print(str(skip), markup=False, highlight=False)
    if report.added == 0 and report.duplicates == 0 and report.skipped:
        raise UsageError(f"nothing could be read: {len(report.skipped)} inputs skipped (see above)")
    return report


def _load_spark(output: Path, db: Path, settings: Settings) -> pipeline.AddReport:
    """Load a spark-discover output folder into the index (one transaction)."""
    from variorum.spark import load_spark_output, read_manifest

    total = read_manifest(str(output))["counts"]["documents"]
    with _open_index(db, create=True) as index, _progress() as bar:
        task = bar.add_task("loading", total=total)
        return load_spark_output(
            index,
            str(output),
            settings,
            progress=lambda stage, n: bar.update(task, advance=n, description=stage),
        )


def _add_summary(report: pipeline.AddReport, db: Path) -> str:
    return (
        f"{report.added} added, {report.duplicates} already indexed, {len(report.skipped)} skipped; "
        f"{plural(report.passages, 'passage')} in {plural(report.pairs, 'pair')} "
        f"({report.seconds:.1f} s) -> {db}"
    )


@app.command()
def add(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders, globs, JSON Lines, or - for stdin.")
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    strict: Annotated[bool, typer.Option(help="Stop at the first unreadable input.")] = False,
    date: Annotated[str | None, typer.Option(help="Date of the added documents (YYYY-MM-DD).")] = None,
    series: Annotated[str | None, typer.Option(help="Series the added documents belong to.")] = None,
    ignore_series: Annotated[bool, typer.Option(help="Ignore reuse inside one series.")] = False,
    min_words: MinWords = None,
    from_spark: Annotated[
        Path | None,
        typer.Option("--from-spark", help="Load the output of `variorum spark-discover` instead."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read documents and add them to the index (only new content is processed).

    Examples: variorum add statements/ news/*.html --db corpus.db ; variorum add --from-spark spark-out/
    """
    if from_spark is not None:
        if paths:
            raise UsageError("give either PATHs or --from-spark OUTPUT, not both")
        report = _load_spark(from_spark, db, _settings(min_words, ignore_series))
    else:
        if not paths:
            raise UsageError("nothing to add: give files, folders, globs, - or --from-spark OUTPUT")
        meta = {k: v for k, v in {"date": date, "series": series}.items() if v}
        report = _add(paths, db, _settings(min_words, ignore_series), strict, meta)
    if as_json:
        _print_json(report.as_dict())
    else:
        out.print(_add_summary(report, db))


@app.command()
def families(
    db: DbOption = Path(DEFAULT_DB),
    all_: Annotated[bool, typer.Option("--all", help="Also list documents with no other version.")] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List families: groups of documents that are versions of the same text.

    Example: variorum families --json
    """
    from variorum.api import Index

    _must_exist(db)
    fams = Index(db, settings=_settings()).families(include_single=all_)

    def human() -> None:
        if not fams:
            out.print("no families: no two indexed documents are versions of one text")
            return
        for fam in fams:
            t = table(
                "date",
                "name",
                "languages",
                "id",
                title=f"family {fam.id} ({plural(len(fam.documents), 'document')})",
                fold=("name",),
            )
            for d in fam.documents:
                t.add_row(d.date or "?", d.name, ",".join(d.languages), short_id(d.id))
            out.print(t)

    emit(fams, as_json=as_json, as_csv=as_csv, human=human)


@app.command()
def passages(
    db: DbOption = Path(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option("--doc", help="Only passages of this document id.")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List the shared passages found in the index.

    Example: variorum passages --doc d1a2b3c4 --json
    """
    from variorum.api import Index

    _must_exist(db)
    ix = Index(db, settings=_settings())
    rows = ix.passages(doc)

    def human() -> None:
        names = {d.id: d.name for f in ix.families(include_single=True) for d in f.documents}
        names = {i: n if n != i else short_id(i) for i, n in names.items()}
        t = table(
            "a", "a chars", "b", "b chars", "words", "identity", "flags", "text", fold=("a", "b", "text")
        )
        for p in rows:
            flags = ("boilerplate " if p.boilerplate else "") + (f"{p.earlier} earlier" if p.earlier else "")
            t.add_row(
                names.get(p.a or "", p.a),
                f"{p.a_start}-{p.a_end}",
                names.get(p.b or "", p.b),
                f"{p.b_start}-{p.b_end}",
                str(p.words),
                f"{p.identity:.2f}",
                flags.strip(),
                _snippet(p.a_text),
            )
        out.print(t)
        out.print(plural(len(rows), "passage"))

    emit(rows, as_json=as_json, as_csv=as_csv, human=human)


@app.command()
def relations(
    db: DbOption = Path(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option("--doc", help="Only relations of this document id.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind: copy, revision, excerpt, translation, quotation or boilerplate.",
        ),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """How indexed documents that share text are related: copy, revision, excerpt, quotation,
    boilerplate (and translation), each with its score and evidence.

    Example: variorum relations --doc d1a2b3c4 --kind revision --json
    """
    from variorum.api import Index

    _must_exist(db)
    rows = Index(db, settings=_settings()).relations(doc, kind)

    def human() -> None:
        t = table("kind", "a", "b", "score", "shared a/b", "words", "earlier", fold=("a", "b"))
        for r in rows:
            earlier = {"a": r.a.date, "b": r.b.date}.get(r.earlier or "", "")
            t.add_row(
                r.kind,
                r.a.name,
                r.b.name,
                f"{r.score:.2f}",
                f"{r.a_coverage:.0%} / {r.b_coverage:.0%}",
                str(r.shared_words),
                earlier or "unknown",
            )
        out.print(t)
        out.print(plural(len(rows), "relation"))

    emit(rows, as_json=as_json, as_csv=as_csv, human=human)


_snippet = quick.snippet


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First file.")],
    b: Annotated[str, typer.Argument(help="Second file.")],
    min_words: MinWords = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Find the passages two files share (no index needed).

    Offsets are character offsets into the text `variorum text FILE` prints.

    Example: variorum compare letter.pdf press-release.html --json
    """
    quick.compare(a, b, min_words, as_json, as_csv)


_passage_table = quick.passage_table


@app.command()
def query(
    file: Annotated[str, typer.Argument(help="A file, or - for stdin.")],
    db: DbOption = Path(DEFAULT_DB),
    min_words: MinWords = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Where has this text appeared before? Matches earliest first, the first marked "first seen",
    each with the figures and wording it changed. (The file is not added to the index.)

    Example: cat new-statement.txt | variorum query - --json
    """
    from variorum.api import Index
    from variorum.config import QUERY_CHANGES

    _must_exist(db)
    result = Index(db, settings=_settings(min_words)).query(_read_one(file), changes=QUERY_CHANGES)

    def human() -> None:
        out.print(
            f"{result.coverage:.0%} of {file} found in {plural(len(result.matches), 'indexed document')}"
        )
        for m in result.matches:
            d = m.document
            mark = "  [bold]first seen[/]" if m.first_seen else ""
            out.print(f"\n{d.date or '?'}  [bold]{escape(d.name)}[/] ({short_id(d.id)}){mark}", markup=True)
            _passage_table(m.passages)
            _changes_table(m.changes or ())
        if result.new:
            out.print(f"\nnew stretches: {len(result.new)}")
            for s in result.new[:20]:
                out.print(f"  {s.start}-{s.end} ({plural(s.words, 'word')}) {_snippet(s.text)}", markup=False)

    emit(result, as_json=as_json, as_csv=as_csv, human=human)


def _changes_table(changes: Any) -> None:
    """What changed between the query and one match: figures, dates, names first, then wording."""
    if not changes:
        return
    shown = sorted(changes, key=lambda c: c.kind == "wording")[:20]
    t = table("what", "change", "query chars", "query", "match chars", "match", fold=("query", "match"))
    for c in shown:
        q, m = c.query, c.match
        t.add_row(
            c.kind,
            c.change.replace("_", " "),
            f"{q.start}-{q.end}" if q else "",
            _snippet(q.text, 40) if q else "",
            f"{m.start}-{m.end}" if m else "",
            _snippet(m.text, 40) if m else "",
        )
    out.print(t)
    if len(changes) > len(shown):
        out.print(f"… and {len(changes) - len(shown)} more (--json lists them all)")


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _must_exist(db: Path) -> None:
    if not db.exists():
        raise UsageError(f"{db}: no index here (run `variorum add` first, or pass --db)")


@app.command()
def doc(
    path_or_id: Annotated[str, typer.Argument(help="A file (no index needed) or an indexed document id.")],
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Show a document's metadata, languages and segments (body or wrapper).

    Example: variorum doc letter.pdf --json
    """
    from variorum import pipeline

    if path_or_id == "-" or Path(path_or_id).exists():
        info = pipeline.describe(_read_one(path_or_id))
    else:
        if not db.exists():
            raise UsageError(f"{path_or_id}: no such file, and no index at {db} to look it up")
        with _open_index(db) as index:
            info = pipeline.describe_indexed(index, path_or_id)
    if as_json:
        _print_json(info)
        return
    out.print(f"{info['id']}  {info['path'] or ''}")
    out.print(f"date {info['date'] or '?'} (found: {', '.join(info['dates']) or 'none'})")
    out.print(f"languages {', '.join(info['languages']) or '?'}; {plural(info['words'], 'word')}")
    t = table("chars", "role", "language")
    for s in info["segments"]:
        t.add_row(f"{s['start']}-{s['end']}", s["role"], s["language"] or "?")
    out.print(t)


@app.command()
def text(file: Annotated[str, typer.Argument(help="A file, or - for stdin.")]) -> None:
    """Print the extracted original text: the text every character offset indexes.

    Example: variorum text report.pdf | less
    """
    sys.stdout.write(_read_one(file).text)


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, JSON Lines, or -.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder for the results.")] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", envvar="VARIORUM_DB", help="Index file (default OUTPUT/variorum.db or ./variorum.db)."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Stop at the first unreadable input.")] = False,
    min_words: MinWords = None,
    as_json: JsonOption = False,
) -> None:
    """The main job: index PATHS, find shared passages and families, and write a summary.

    Example: variorum analyze examples/ -o out/
    """
    from variorum import pipeline

    if db is None:
        db = (output / DEFAULT_DB) if output else Path(DEFAULT_DB)
    settings = _settings(min_words)
    report = _add(paths, db, settings, strict, {}, (output,) if output else ())
    with _open_index(db) as index, _progress() as bar:
        task = bar.add_task("summarizing", total=None)
        summary = pipeline.summary(index, settings, report)
        bar.update(task, description="collating families", total=len(summary["families"]), completed=0)
        from variorum.export.report.listing import Listing

        listing = Listing.read(index)  # once: finding each family's members in every row was O(n²)
        collations = []
        for fam in summary["families"]:
            collations.append(pipeline.collate_members(index, listing.documents(index, fam["id"])))
            bar.update(task, advance=1)
        for fam, result in zip(summary["families"], collations, strict=True):
            fam["collation"] = pipeline.collation_summary(result)
        if output:
            from variorum.export.report.render import report_pages, write_report

            bar.update(task, description="writing collations", total=None)
            _write_results(output, summary, collations)
            collated = {fam["id"]: c for fam, c in zip(summary["families"], collations, strict=True)}
            bar.update(task, description="report", total=report_pages(index, settings), completed=0)
            write_report(index, settings, output, collated, _advance(bar, task))
    if as_json:
        _print_json(summary)
        return
    err.print(_add_summary(report, db))
    _print_summary(summary)
    if output:
        out.print(
            f"\nwritten: {output / 'summary.json'}, {output / 'collations'}/ and the report: "
            f"open {output / 'index.html'}"
        )


def _write_results(output: Path, summary: dict[str, Any], collations: list[Any]) -> None:
    """The summary, and each family's collation as JSON and TEI, under ``output``."""
    from variorum.export.collation_json import collation_to_json
    from variorum.export.tei import collation_to_tei

    folder = output / "collations"
    folder.mkdir(parents=True, exist_ok=True)
    for fam, result in zip(summary["families"], collations, strict=True):
        data = json.dumps(collation_to_json(result), ensure_ascii=False, indent=2)
        (folder / f"{fam['id']}.json").write_text(data, encoding="utf-8")
        (folder / f"{fam['id']}.tei.xml").write_text(collation_to_tei(result), encoding="utf-8")
    (output / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def _print_summary(summary: dict[str, Any]) -> None:
    c = summary["counts"]
    out.print(
        f"{plural(c['documents'], 'document')}, {plural(c['families'], 'family', 'families')} of versions, "
        f"{plural(c['passages'], 'shared passage')} ({c['boilerplate']} boilerplate), "
        f"{plural(c['skipped'], 'skipped input')}"
    )
    for fam in summary["families"]:
        col = fam.get("collation")
        note = (
            f"; {plural(col['substantive'], 'substantive variant')}, {plural(col['moves'], 'move')}, "
            f"{plural(col['claims'], 'changed claim')}"
            if col
            else ""
        )
        t = table(
            "date",
            "name",
            "languages",
            "words",
            "id",
            title=f"family {fam['id']}: {plural(len(fam['documents']), 'version')}{note}",
            fold=("name",),
        )
        for d in fam["documents"]:
            t.add_row(
                d["date"] or "?",
                name_of(d["path"], d["id"]),
                ",".join(d["languages"]),
                str(d["words"]),
                short_id(d["id"]),
            )
        out.print(t)
    if summary["links"]:
        t = table(
            "from",
            "to",
            "passages",
            "words",
            "boiler-\nplate",
            title="passages shared outside families",
            fold=("from", "to"),
        )
        for link in summary["links"][:20]:
            t.add_row(
                name_of(link["a_path"], link["a"]),
                name_of(link["b_path"], link["b"]),
                str(link["passages"]),
                str(link["words"]),
                str(link["boilerplate"]),
            )
        out.print(t)


@app.command()
def collate(
    items: Annotated[
        list[str] | None,
        typer.Argument(help="A family id (from `variorum families`), or files with --files."),
    ] = None,
    files: Annotated[bool, typer.Option("--files", help="Collate the files given, no index needed.")] = False,
    from_collatex: Annotated[
        Path | None, typer.Option("--from-collatex", help="Read witnesses from CollateX's witness JSON.")
    ] = None,
    fmt: Annotated[CollateFormat, typer.Option("--format", help="Output format.")] = CollateFormat.text,
    all_variants: Annotated[bool, typer.Option("--all", help="text: show formal variants too.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Collate versions: word-level variants, moves, changed claims and a stemma.

    Examples: variorum collate f3a9c2d1 ; variorum collate --files 2018.pdf 2019.docx 2020.html --format tei ;
    variorum collate --files a.txt b.txt --json ;
    variorum collate --from-collatex witnesses.json --format collatex
    """
    quick.collate(items, files, from_collatex, fmt, all_variants, output, db, as_json)


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the HTML report.")],
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Write the static HTML report of the index: open DIR/index.html from disk, no server needed.

    Example: variorum report -o out/
    """
    from variorum.export.report.render import report_pages, write_report

    settings = _settings()
    with _open_index(db) as index, _progress() as bar:
        task = bar.add_task("report", total=report_pages(index, settings))
        written = write_report(index, settings, output, progress=_advance(bar, task))
    result = {"pages": len(written), "index": str(output / "index.html")}
    emit(
        result,
        as_json=as_json,
        human=lambda: out.print(f"{plural(len(written), 'page')} written; open {result['index']}"),
    )


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[
        str, typer.Option(help="Address to bind; 127.0.0.1 keeps it on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name the server is reached by (repeatable); requests naming any other "
            "host than these, the bound address and 127.0.0.1/localhost/::1 are refused.",
        ),
    ] = None,
) -> None:
    """Serve the report, the query page and the JSON API from the index (local web app).

    Example: variorum serve --db corpus.db --port 8080
    """
    try:
        from variorum.web.app import serve as run_server
    except ImportError as e:  # the web extra is not installed
        missing = e.name or "a web package"
        raise UsageError(
            f"the web app needs the web extra: pip install 'variorum[web]' ({missing} missing)"
        ) from None
    if not db.exists():
        raise UsageError(
            f"{db}: no index here (run `variorum add` or `variorum analyze` first, or pass --db)"
        )
    run_server(db, host=host, port=port, settings=_settings(), allow_hosts=allow_host or ())


@app.command("spark-discover")
def spark_discover(
    input_path: Annotated[
        str, typer.Argument(metavar="INPUT", help="JSON Lines or Parquet (file, folder or URL).")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the Parquet output.")],
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[*]",
    overwrite: Annotated[bool, typer.Option(help="Replace an existing OUTPUT.")] = False,
    min_words: MinWords = None,
    ignore_series: Annotated[bool, typer.Option(help="Ignore reuse inside one series.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Run discovery (fingerprints, candidates, alignment, families) as Spark jobs; load the result
    with `variorum add --from-spark OUTPUT`. Needs the spark extra and Java.

    Example: variorum spark-discover corpus.jsonl -o spark-out/ --master local[2]
    """
    from variorum.spark import run_spark_discover

    counts = run_spark_discover(
        input_path, str(output), _settings(min_words, ignore_series), master=master, overwrite=overwrite
    )
    if as_json:
        _print_json(counts)
        return
    out.print(
        f"{plural(counts.get('documents', 0), 'document')}, {plural(counts.get('pairs', 0), 'pair')}, "
        f"{plural(counts.get('passages', 0), 'passage')}, "
        f"{plural(counts.get('families', 0), 'family', 'families')} "
        f"in {counts.get('seconds', 0):.1f} s -> {output}"
    )


class Keep(StrEnum):
    first = "first"
    longest = "longest"
    earliest = "earliest"


class Measure(StrEnum):
    words = "words"
    paragraphs = "paragraphs"


@app.command()
def dedup(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", help="JSON Lines with id and text.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="Kept records (JSON Lines), or - for stdout.")
    ],
    threshold: Annotated[
        float, typer.Option(help="Similarity (see --measure) two records must reach to be duplicates.")
    ] = 0.8,
    keep: Annotated[Keep, typer.Option(help="Which record of a duplicate group to keep.")] = Keep.first,
    measure: Annotated[
        Measure,
        typer.Option(
            help="How records are compared: words (share of words left as they are, in order) or "
            "paragraphs (share of each record's paragraphs found in the other, for copies that "
            "dropped, added or moved paragraphs)."
        ),
    ] = Measure.words,
    removed: Annotated[
        Path | None, typer.Option("--removed", help="Sidecar of removed ids (default OUTPUT.removed.jsonl).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Remove near-duplicate records from a JSON Lines dataset, streaming (files larger than memory).

    Kept records are written unchanged; each removed id goes to the sidecar with the id it duplicates.

    Example: variorum dedup corpus.jsonl -o deduped.jsonl --threshold 0.8 --keep longest
    --measure paragraphs
    """
    quick.dedup(input_path, output, threshold, Keep(keep).value, Measure(measure).value, removed, as_json)
