"""Build the binary files of the example corpus (``examples/``) from their source text.

The .txt, .md and .html examples are kept as they are; the .pdf and .docx examples are built from
the plain-text sources in ``scripts/example_sources/`` so that they can be reviewed and diffed:

    python scripts/make_examples.py            # writes into examples/
    python scripts/make_examples.py --out DIR  # writes into DIR (same relative paths)

Source format: blocks separated by a blank line; every line of a block is one line (PDF) or one
paragraph (DOCX) of the output; a block starting with ``# `` is a bold heading; a block that is
exactly ``[page]`` starts a new page (PDF only).

Output is deterministic: fixed creation dates in the PDF, fixed core properties and zip entry
timestamps in the DOCX, so rebuilding with the same library versions gives the same bytes.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "example_sources"
EXAMPLES = ROOT / "examples"

PAGE_BREAK = "[page]"


@dataclass(frozen=True)
class Block:
    lines: tuple[str, ...]
    heading: bool = False
    page_break: bool = False


@dataclass(frozen=True)
class Target:
    source: str  # relative to SOURCES
    output: str  # relative to the output directory
    date: datetime  # creation and modification date written into the file
    title: str
    author: str
    running_header: str = ""  # PDF only: printed at the top of every page


TARGETS = (
    Target(
        source="2021-03-letter-annex.txt",
        output="2021-03-letter-annex.pdf",
        date=datetime(2021, 3, 31, 9, 0, tzinfo=UTC),
        title="Letter dated 29 March 2021 from the Permanent Representative of the Republic of Orvelia",
        author="Council of Shared Waters",
        running_header="CSW/2021/9",
    ),
    Target(
        source="2022-04-note-verbale.txt",
        output="2022-04-note-verbale.docx",
        date=datetime(2022, 4, 5, 10, 0, tzinfo=UTC),
        title="Note verbale du 5 avril 2022",
        author="Mission permanente de la République d'Orvelia",
    ),
    Target(
        source="other/2023-01-budget-note.txt",
        output="other/2023-01-budget-note.docx",
        date=datetime(2023, 1, 12, 8, 0, tzinfo=UTC),
        title="Explanatory note on the State budget for 2023",
        author="Ministry of Finance of the Republic of Tesmar",
    ),
)


def read_blocks(path: Path) -> list[Block]:
    """Split a source file into blocks (see the module docstring for the format)."""
    text = path.read_text(encoding="utf-8")
    blocks: list[Block] = []
    for chunk in text.split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if lines == [PAGE_BREAK]:
            blocks.append(Block((), page_break=True))
        elif lines[0].startswith("# "):
            blocks.append(Block((lines[0][2:], *lines[1:]), heading=True))
        else:
            blocks.append(Block(tuple(lines)))
    return blocks


def build_pdf(target: Target, blocks: list[Block], out: Path) -> None:
    """A4 pages with a narrow text column, so that extraction gives hard-wrapped lines.

    Only the core Times font is used, which covers latin-1: the source must stay within it.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    header = target.running_header

    class _PDF(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Times", "", 9)
                self.cell(0, 5, header, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(6)

        def footer(self) -> None:
            self.set_y(-18)
            self.set_font("Times", "", 9)
            self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")

    pdf = _PDF(format="A4")
    pdf.set_margins(left=35, top=20, right=45)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.set_creation_date(target.date)
    pdf.set_title(target.title)
    pdf.set_author(target.author)
    pdf.set_creator("scripts/make_examples.py")
    pdf.set_producer("scripts/make_examples.py")
    pdf.add_page()
    for block in blocks:
        if block.page_break:
            pdf.add_page()
            continue
        for line in block.lines:
            line.encode("latin-1")  # fail early: core fonts cannot show anything else
        pdf.set_font("Times", "B" if block.heading else "", 11)
        pdf.multi_cell(0, 5.5, "\n".join(block.lines), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))


def build_docx(target: Target, blocks: list[Block], out: Path) -> None:
    """One Word paragraph per source line; headings in bold."""
    import docx

    document = docx.Document()
    for block in blocks:
        if block.page_break:
            continue
        for line in block.lines:
            paragraph = document.add_paragraph()
            run = paragraph.add_run(line)
            run.bold = block.heading
    props = document.core_properties
    props.title = target.title
    props.author = target.author
    props.last_modified_by = target.author
    props.comments = ""
    props.revision = 1
    props.created = target.date.replace(tzinfo=None)
    props.modified = target.date.replace(tzinfo=None)
    props.last_printed = target.date.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_fixed_zip(buffer.getvalue(), target.date))


def _fixed_zip(data: bytes, date: datetime) -> bytes:
    """Rewrite a zip with one fixed timestamp on every entry (python-docx stamps the current time)."""
    stamp = (date.year, date.month, date.day, date.hour, date.minute, date.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build(out_dir: Path) -> list[Path]:
    written: list[Path] = []
    for target in TARGETS:
        blocks = read_blocks(SOURCES / target.source)
        out = out_dir / target.output
        if out.suffix == ".pdf":
            build_pdf(target, blocks, out)
        elif out.suffix == ".docx":
            build_docx(target, blocks, out)
        else:
            raise ValueError(f"no builder for {out.suffix}: {target.output}")
        written.append(out)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="output directory (default: examples/)")
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
