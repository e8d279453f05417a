"""The contract PDF: Chinese then English, CJK font embedded, agreement number and seal on every
page, same bytes for the same snapshot."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from agreements.test_contract import example_snapshot, lump_sum_snapshot
from openlicense.agreements import pdf as pdf_module
from openlicense.agreements.contract import RenderedContract, render_contract, seal
from openlicense.agreements.pdf import (
    FONT_ENV_VAR,
    FontNotFound,
    cached_pdf,
    find_cjk_font,
    render_pdf,
)
from openlicense.agreements.sealed import Snapshot


def needs_font(test):  # type: ignore[no-untyped-def]
    """Marks tests that need the CJK font. They are never skipped: `make test` installs the
    font (scripts/ensure-fonts.sh), and without it they fail with FontNotFound naming the fix."""
    return test


@pytest.fixture(scope="module")
def example_pdf() -> bytes:
    """Rendered once: parsing and subsetting the 17 MB font collection takes most of a second."""
    snapshot = example_snapshot()
    return render_pdf(snapshot, render_contract(snapshot))


def _pages_text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in reader.pages]


@needs_font
def test_pdf_holds_the_chinese_text_with_an_embedded_cjk_font(example_pdf: bytes) -> None:
    data = example_pdf
    assert data.startswith(b"%PDF-")
    assert len(data) > 20_000  # the subset CJK font alone is well above this
    assert b"/FontFile2" in data  # TrueType font program embedded, not just referenced
    text = "".join(_pages_text(data))
    assert "一种锂离子电池正极材料及其制备方法" in text
    assert "专利开放许可实施合同" in text
    assert "杭州某某新材料有限公司" in text
    assert "试用期" in text
    assert "PatentOpenLicenceAgreement" in text
    assert "Cathodematerialforlithium-ionbatteries" in text


@needs_font
def test_chinese_version_comes_before_english(example_pdf: bytes) -> None:
    text = "".join(_pages_text(example_pdf))
    assert text.index("专利开放许可实施合同") < text.index("PatentOpenLicenceAgreement")
    assert text.index("合同成立、生效与备案") < text.index("Formation,effectandrecording")


@needs_font
def test_every_page_footer_shows_the_agreement_number_and_the_seal(example_pdf: bytes) -> None:
    snapshot = example_snapshot()
    pages = _pages_text(example_pdf)
    assert len(pages) >= 2
    digest = seal(snapshot, render_contract(snapshot))
    for n, page in enumerate(pages, start=1):
        assert "OLA-2026-000123" in page, n
        assert digest in page, n
        assert f"Page{n}of{len(pages)}" in page, n


@needs_font
def test_pdf_is_deterministic_for_the_same_snapshot(example_pdf: bytes) -> None:
    snapshot = example_snapshot()
    assert render_pdf(snapshot, render_contract(snapshot)) == example_pdf
    info = PdfReader(io.BytesIO(example_pdf)).metadata
    assert info is not None and info["/CreationDate"].startswith("D:20261123090000")


@needs_font
def test_a_different_fee_standard_gives_a_different_pdf(example_pdf: bytes) -> None:
    snapshot = lump_sum_snapshot()
    data = render_pdf(snapshot, render_contract(snapshot))
    assert data != example_pdf
    assert "人民币50,000.00元" in "".join(_pages_text(data))


def test_missing_font_names_the_install_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "KNOWN_FONT_PATHS", ("/nonexistent/font.ttc",))
    with pytest.raises(FontNotFound, match=r"scripts/ensure-fonts\.sh"):
        find_cjk_font()
    snapshot = example_snapshot()
    with pytest.raises(FontNotFound):
        render_pdf(snapshot, render_contract(snapshot))


def test_font_setting_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FontNotFound, match=FONT_ENV_VAR):
        find_cjk_font(tmp_path / "missing.ttf")
    font = tmp_path / "present.ttf"
    font.write_bytes(b"")
    assert find_cjk_font(font) == font


def test_font_setting_is_read_from_settings_and_the_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from openlicense.settings import Settings

    font = tmp_path / "font.ttc"
    font.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)
    (tmp_path / ".env").write_text(f"{FONT_ENV_VAR}={font}\n", encoding="utf-8")
    assert Settings().pdf_font == font


def test_cached_pdf_renders_once_per_content_and_never_serves_changed_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    renders: list[str] = []

    def fake_render(snapshot: Snapshot, rendered: RenderedContract, **_: object) -> bytes:
        renders.append(rendered.text_zh[-20:])
        return b"%PDF-" + rendered.text_zh.encode()[-40:]

    monkeypatch.setattr(pdf_module, "render_pdf", fake_render)
    snapshot = example_snapshot()
    rendered = render_contract(snapshot)
    first = cached_pdf(snapshot, rendered, tmp_path)
    assert cached_pdf(snapshot, rendered, tmp_path) == first
    assert len(renders) == 1  # the second request came from the cache
    assert [p.name for p in tmp_path.iterdir()] == [f"{seal(snapshot, rendered)}.pdf"]
    tampered = RenderedContract(rendered.text_zh + "（改）", rendered.text_en)
    assert cached_pdf(snapshot, tampered, tmp_path) != first  # other content, other key
    assert len(renders) == 2
