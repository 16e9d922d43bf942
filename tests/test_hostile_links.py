"""The link checker reports dangerous schemes, links leaving the site and impossible PDF targets."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter

from koppelkansen.check.links import check_internal, scan_site


def _site(tmp_path: Path, links: list[str]) -> Path:
    root = tmp_path / "site"
    (root / "downloads").mkdir(parents=True)
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    writer.add_named_destination("hoofdstuk", 0)
    with open(root / "downloads" / "plan.pdf", "wb") as out:
        writer.write(out)
    body = "\n".join(f'<a href="{url}">x</a>' for url in links)
    (root / "index.html").write_text(
        f'<html><body><article class="md-content__inner">\n{body}\n</article></body></html>',
        encoding="utf-8",
    )
    return root


def _reasons(root: Path) -> dict[str, str]:
    broken, _ = check_internal(scan_site(root))
    return {b.link.url: b.reason for b in broken}


def test_dangerous_schemes_are_reported(tmp_path):
    links = [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "vbscript:msgbox",
        "data:text/html,<b>x",
    ]
    reasons = _reasons(_site(tmp_path, links))
    assert set(reasons) == {link.strip() for link in links}
    assert reasons["javascript:alert(1)"] == "een javascript:-link is niet toegestaan"
    assert reasons["data:text/html,<b>x"] == "een data:-link is niet toegestaan"


def test_links_leaving_the_site_and_impossible_pdf_targets(tmp_path):
    links = [
        "../../../etc/passwd",
        "downloads/plan.pdf#page=4",
        "downloads/plan.pdf#page=0",
        "downloads/plan.pdf#page=abc",
        "downloads/plan.pdf#nameddest=bestaat-niet",
        "downloads/plan.pdf#page=3",
        "downloads/plan.pdf#nameddest=hoofdstuk",
    ]
    reasons = _reasons(_site(tmp_path, links))
    assert reasons["../../../etc/passwd"] == "wijst buiten de site"
    assert reasons["downloads/plan.pdf#page=4"].startswith("pagina 4 bestaat niet")
    assert "downloads/plan.pdf#page=0" in reasons and "downloads/plan.pdf#page=abc" in reasons
    assert "bestaat niet" in reasons["downloads/plan.pdf#nameddest=bestaat-niet"]
    assert "downloads/plan.pdf#page=3" not in reasons
    assert "downloads/plan.pdf#nameddest=hoofdstuk" not in reasons
