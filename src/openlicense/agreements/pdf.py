"""The sealed contract as a PDF: Chinese version first, then English, with the agreement number
and the seal in every page footer.

Uses fpdf2 with an embedded (subset) CJK TrueType font — WenQuanYi Zen Hei from the Debian
package `fonts-wqy-zenhei`, installed by `scripts/ensure-fonts.sh`, or any font named by
`OPENLICENSE_PDF_FONT`. The output is deterministic for a given fpdf2 version and font file:
the creation date is the notice time from the snapshot, and the file ID is derived from the
content.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from openlicense.agreements.contract import RenderedContract, seal
from openlicense.agreements.sealed import Snapshot

__all__ = [
    "FONT_ENV_VAR",
    "KNOWN_FONT_PATHS",
    "FontNotFound",
    "cache_path",
    "cached_pdf",
    "find_cjk_font",
    "render_in_worker",
    "render_pdf",
    "render_to",
]

FONT_ENV_VAR = "OPENLICENSE_PDF_FONT"
KNOWN_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian/Ubuntu fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",  # Fedora / Arch
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
)
"""Searched in order after `OPENLICENSE_PDF_FONT`. Only TrueType-outline fonts: fpdf2 2.8 also
embeds Noto Sans CJK (CFF outlines, `fonts-noto-cjk`) and it renders well, but pypdf then
extracts its text garbled, so it is opt-in through the variable, not a default."""

_FONT = "cjk"
_MARGIN = 18.0
_BODY_PT = 10.0
_LINE_MM = 5.6


class _DropBitmapTableNotice(logging.Filter):
    """fontTools warns that it drops the bitmap-strike tables of WenQuanYi Zen Hei when
    subsetting; the outlines are kept, so the warning is noise on every render."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (
            "NOT subset" in str(record.msg)
            and args
            and str(args[0]).strip() in {"BDF", "EBDT", "EBLC", "EBSC", "bdat", "bloc"}
        )


logging.getLogger("fontTools.subset").addFilter(_DropBitmapTableNotice())


class FontNotFound(RuntimeError):
    """No CJK font to embed: a deployment problem, not a business refusal."""


def find_cjk_font(override: Path | None = None) -> Path:
    """`override` (the `pdf_font` setting, `OPENLICENSE_PDF_FONT`) if set — it must exist —
    else the first known path that exists."""
    if override:
        path = Path(override)
        if not path.is_file():
            raise FontNotFound(
                f"{FONT_ENV_VAR}={override} does not exist; unset it or point it at a CJK "
                "TrueType font (.ttf/.ttc), e.g. the one `scripts/ensure-fonts.sh` installs"
            )
        return path
    for candidate in KNOWN_FONT_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFound(
        "no CJK font found for the contract PDF; run `scripts/ensure-fonts.sh` (installs "
        f"fonts-wqy-zenhei) or set {FONT_ENV_VAR} to a CJK TrueType font (.ttf/.ttc)"
    )


def _collection_face(font: Path) -> int:
    """The face of a font collection to embed: Simplified Chinese where the collection has one
    per region (Noto Sans CJK puts JP first), else the first face (WenQuanYi Zen Hei)."""
    if font.suffix.lower() not in {".ttc", ".otc"}:
        return 0
    names = [face["name"].getDebugName(1) or "" for face in TTCollection(font, lazy=True).fonts]
    return next((i for i, name in enumerate(names) if name.endswith(" SC")), 0)


class _ContractPDF(FPDF):
    def __init__(self, agreement_number: str, seal_hex: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.agreement_number = agreement_number
        self.seal_hex = seal_hex

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(_FONT, size=7)
        self.set_text_color(90, 90, 90)
        self.cell(
            0,
            3.5,
            f"合同编号 Agreement No. {self.agreement_number}    "
            f"第 {self.page_no()} / {{nb}} 页  Page {self.page_no()} of {{nb}}",
            align=Align.C,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.cell(
            0,
            3.5,
            f"封印 Seal (SHA-256): {self.seal_hex}",
            align=Align.C,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)


def _blocks(text: str) -> Iterator[tuple[str, Any]]:
    """Split the Markdown-ish contract text into (kind, payload) blocks."""
    table: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):  # skip the |---| separator
                table.append(cells)
            continue
        if table:
            yield "table", table
            table = []
        if line.startswith("# "):
            yield "title", line[2:]
        elif line.startswith("## "):
            yield "heading", line[3:]
        elif not line.strip():
            yield "blank", None
        else:
            yield "text", line
    if table:
        yield "table", table


def _write(pdf: _ContractPDF, text: str, lang: str) -> None:
    # Chinese has no spaces between words: wrap at any character, not only at spaces.
    wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD
    width = pdf.epw
    for kind, payload in _blocks(text):
        if kind == "title":
            pdf.set_font(_FONT, size=17)
            pdf.multi_cell(width, 9, payload, align=Align.C, wrapmode=wrap)
            pdf.ln(1)
        elif kind == "heading":
            pdf.ln(1.5)
            pdf.set_font(_FONT, size=12)
            pdf.multi_cell(width, 7, payload, align=Align.L, wrapmode=wrap)
            pdf.ln(0.5)
        elif kind == "blank":
            pdf.ln(1.5)
        elif kind == "table":
            pdf.set_font(_FONT, size=9)
            with pdf.table(
                col_widths=(8, 30, 82, 34),
                text_align=(Align.C, Align.L, Align.L, Align.R),
                headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
                line_height=5,
                wrapmode=wrap,
                width=width,
            ) as table:
                for cells in payload:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            pdf.ln(1)
        else:
            indent = len(payload) - len(payload.lstrip(" "))
            pdf.set_font(_FONT, size=_BODY_PT)
            pdf.set_x(pdf.l_margin + indent * 1.5)
            pdf.multi_cell(
                width - indent * 1.5,
                _LINE_MM,
                payload.strip(),
                align=Align.L,
                wrapmode=wrap,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )


def render_pdf(
    snapshot: Snapshot, rendered: RenderedContract, *, font: Path | None = None
) -> bytes:
    """Both language versions (Chinese first) as one PDF, sealed in every footer."""
    font_path = find_cjk_font(font)
    seal_hex = seal(snapshot, rendered)
    number = snapshot["agreement_number"]

    pdf = _ContractPDF(number, seal_hex)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font(_FONT, fname=str(font_path), collection_font_number=_collection_face(font_path))
    pdf.set_title(f"专利开放许可实施合同 Patent Open Licence Agreement {number}")
    pdf.set_subject(f"Seal (SHA-256) {seal_hex}")
    pdf.set_creator("openlicense")
    pdf.set_lang("zh-CN")
    notified = datetime.datetime.fromisoformat(snapshot["notice"]["notified_at"])
    if notified.tzinfo is None:
        notified = notified.replace(tzinfo=datetime.UTC)
    pdf.set_creation_date(notified)  # not "now": same snapshot, same bytes

    for text, lang in ((rendered.text_zh, "zh"), (rendered.text_en, "en")):
        pdf.add_page()
        _write(pdf, text, lang)
    return bytes(pdf.output())


def cache_path(snapshot: Snapshot, rendered: RenderedContract, directory: Path) -> Path:
    """Where the PDF of this exact content is kept. The key is the seal recomputed from the stored
    snapshot and texts, not the stored seal, so content changed in the database can never be
    served from an earlier rendering."""
    return directory / f"{seal(snapshot, rendered)}.pdf"


def render_to(
    path: Path, snapshot: Snapshot, rendered: RenderedContract, font: Path | None = None
) -> bytes:
    """Render and store atomically (readers see the whole file or none). Seconds of pure-Python
    CPU: call it in a worker process (`render_in_worker`), where it cannot hold the server's
    interpreter lock."""
    pdf = render_pdf(snapshot, rendered, font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_bytes(pdf)
    os.replace(partial, path)
    return pdf


def cached_pdf(
    snapshot: Snapshot, rendered: RenderedContract, directory: Path, font: Path | None = None
) -> bytes:
    """The stored PDF of this content, or a fresh rendering (stored for next time)."""
    path = cache_path(snapshot, rendered, directory)
    if path.is_file():
        return path.read_bytes()
    return render_to(path, snapshot, rendered, font)


def render_in_worker(
    path: Path, snapshot: Snapshot, rendered: RenderedContract, font: Path | None = None
) -> bytes:
    """`render_to` in a worker process that first lowers its own CPU priority, so the server's
    event loop wins the CPU while contracts render."""
    _yield_cpu()
    return render_to(path, snapshot, rendered, font)


_niced = False


def _yield_cpu() -> None:
    """Once per worker process: niceness +10 (a no-op where the OS has no `nice`)."""
    global _niced
    if not _niced and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)
        _niced = True
