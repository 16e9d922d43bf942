"""Front-matter values and vocabulary labels reach every output as text, never as markup."""

from __future__ import annotations

import io
import json
import re

from conftest import make_site_project, run_build
from pypdf import PdfReader

from koppelkansen.search.index import fragments

TITLE = 'Water & <energie> "Oost" {: .x} [a](b) *c*'
HTML_TITLE = "Water &amp; &lt;energie&gt; &#34;Oost&#34; {: .x} [a](b) *c*"
DESCRIPTION = 'Beschrijving <b onmouseover="x()">vet</b> & "q" !!! note'
LABEL = 'Concept <i>x</i> & [klik](javascript:alert(1)) "q"'

CASE = (
    f"---\ntitle: {json.dumps(TITLE)}\ntype: casus\nstatus: concept\ncase: haven-stad\n"
    f"description: {json.dumps(DESCRIPTION)}\nthemes: [water, energie]\n"
    "organisations: [waternet, alliander, gemeente-amsterdam]\n---\n\nTekst.\n"
)


def test_hostile_title_description_and_label_appear_exactly_as_text(tmp_path):
    config = make_site_project(tmp_path, {"casussen/haven-stad/index.md": CASE})
    vocabulary = tmp_path / "docs" / "schema" / "vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("label: Concept", f"label: {json.dumps(LABEL)}", 1))
    site = tmp_path / "site"
    built = run_build(config, site)
    assert built.returncode == 0, built.stderr
    page = (site / "casussen" / "haven-stad" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{HTML_TITLE} - Testsite</title>" in page
    assert f"<h1>{HTML_TITLE}</h1>" in page
    assert "<energie>" not in page and "onmouseover" not in page.replace("onmouseover=&#34;", "")
    assert (
        '<meta name="description" content="Beschrijving &lt;b onmouseover=&#34;x()&#34;&gt;vet'
        in page
    )
    # the badge label from vocabulary.yml, and the navigation of another page
    assert (
        "Status: Concept &lt;i&gt;x&lt;/i&gt; &amp; [klik](javascript:alert(1)) &#34;q&#34;" in page
    )
    assert "<i>x</i>" not in page and 'href="javascript' not in page
    other = (site / "index.html").read_text(encoding="utf-8")
    assert HTML_TITLE in other and "<energie>" not in other
    # overview entries on the case overview render the title as text too
    for html in site.rglob("*.html"):
        content = html.read_text(encoding="utf-8")
        assert "<energie>" not in content, html
        assert '<a href="b">' not in content, html
    # the search index (Pagefind's record of each page) holds the title as text (the box shows
    # it with textContent, never as HTML)
    assert any(page["meta"]["title"] == TITLE for page in fragments(site)), fragments(site)
    pdf = PdfReader(io.BytesIO((site / "downloads" / "koppelkansen-haven-stad.pdf").read_bytes()))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert TITLE in pdf_text
