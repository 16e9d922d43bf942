"""The site search (issue 32, docs-dev/search.md): Pagefind's index of the rendered pages, in Dutch,
and the search box in the header, tried in real Chromium on the built site served under its
base path (/plannen/). The real site is the quality gates' build (conftest.real_site, xdist group
``site-real``); the rebuild test builds a small project of its own."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from browser_support import (
    SCHEMES,
    WCAG_TAGS,
    Auditor,
    format_violations,
    switch_palette,
)
from browser_support import (
    serve as serve_site,
)
from conftest import make_site_project, run_build

from koppelkansen.search import index as search_index
from koppelkansen.search.words import (
    FORMS,
    FORMS_FILE,
    MARK,
    TABLE,
    fold,
    lemmas,
    root,
    roots,
    words,
)

REAL = pytest.mark.xdist_group("site-real")

#: Forms of one word: each finds every page whose text holds the other.
QUERY_PAIRS = [
    ("sessie", "sessies"),  # singular and plural
    ("plan", "plannen"),
    ("casusgebied", "casusgebieden"),
    ("kans", "kansen"),  # Snowball stems these apart (kan / kans)
    ("leren", "geleerd"),  # a verb and its participle
    ("verkokering", "verkokerd"),
    ("vaststellen", "vastgesteld"),  # a participle after a separable prefix
    ("één", "een"),  # diacritics
    ("pagina", "pagina's"),  # an apostrophe
    ("schrijven", "schreef"),  # a strong verb (forms.txt), in the site as geschreven, onderschreven
    ("betrekken", "betrokken"),
    ("steden", "stad"),  # an irregular plural, also at the end of a word (Amstelstad)
    ("straat", "Straatjes"),  # a diminutive (9 Straatjes)
]

#: More forms of one word, tried on the roots alone (no page of the site needs to hold them):
#: each kind the rules or the table of irregular forms (koppelkansen/search/forms.txt) join.
ROOT_PAIRS = [
    # strong and irregular verbs: infinitive, present, past, participle
    *[("zijn", w) for w in ("is", "ben", "was", "waren", "geweest")],
    *[("hebben", w) for w in ("heeft", "had", "hadden", "gehad")],
    ("doen", "gedaan"), ("doen", "deed"), ("gaan", "ging"), ("gaan", "gegaan"), ("gaan", "gaat"),
    ("nemen", "genomen"), ("nemen", "nam"), ("geven", "gegeven"), ("geven", "gaf"),
    ("vinden", "gevonden"), ("vinden", "vond"), ("lopen", "liep"), ("lopen", "gelopen"),
    ("kiezen", "gekozen"), ("kiezen", "koos"), ("spreken", "gesproken"), ("spreken", "sprak"),
    ("zoeken", "gezocht"), ("brengen", "gebracht"), ("denken", "gedacht"), ("kopen", "gekocht"),
    ("schrijven", "geschreven"), ("schreef", "geschreven"), ("schrijft", "schreven"),
    ("komen", "kwam"), ("komen", "gekomen"), ("zien", "zag"), ("zien", "gezien"),
    ("staan", "stond"), ("weten", "wist"), ("zeggen", "zei"), ("zeggen", "gezegd"),
    ("kunnen", "kon"), ("kunnen", "kan"), ("mogen", "mocht"), ("willen", "wilde"),
    ("krijgen", "kreeg"), ("blijven", "bleef"), ("blijken", "gebleken"), ("houden", "hield"),
    ("helpen", "geholpen"), ("beginnen", "begon"), ("trekken", "getrokken"), ("lezen", "las"),
    ("zitten", "gezeten"), ("liggen", "lag"), ("vallen", "viel"), ("laten", "liet"),
    ("vragen", "vroeg"), ("dragen", "gedragen"), ("bieden", "geboden"), ("sluiten", "gesloten"),
    ("wegen", "gewogen"), ("breken", "gebroken"), ("eten", "gegeten"), ("roepen", "riep"),
    ("hangen", "hing"), ("winnen", "gewonnen"), ("stijgen", "gestegen"), ("kijken", "keek"),
    # with a prefix: separable (a ge- inside) and inseparable (no ge-)
    ("bespreken", "besproken"), ("afspreken", "afgesproken"), ("ontwerpen", "ontworpen"),
    ("aannemen", "aangenomen"), ("verkopen", "verkocht"), ("beschrijven", "beschreven"),
    ("voorschrijven", "voorgeschreven"), ("onderbrengen", "ondergebracht"), ("opnemen", "opnam"),
    ("bevinden", "bevonden"), ("ontstaan", "ontstond"), ("begrijpen", "begrepen"),
    ("meedenken", "meedacht"), ("bijdragen", "bijgedragen"), ("vergeten", "vergat"),
    ("ondernemen", "ondernomen"), ("overwegen", "overwogen"), ("voldoen", "voldaan"),
    ("overlijden", "overleden"), ("vergelijken", "vergeleken"), ("beschrijft", "beschreven"),
    ("worden", "werd"), ("worden", "geworden"), ("ontvangen", "ontving"), ("verliezen", "verloor"),
    # regular verbs (the rules)
    ("werken", "gewerkt"), ("werken", "werkte"), ("verkennen", "verkend"), ("bestellen", "besteld"), ("leren", "geleerd"), ("toepassen", "toegepast"),
    ("uitvoeren", "uitgevoerd"), ("reizen", "gereisd"), ("leven", "leefde"),
    # irregular plurals, also in compounds
    ("stad", "steden"), ("schip", "schepen"), ("lid", "leden"), ("gat", "gaten"),
    ("weg", "wegen"), ("dag", "dagen"), ("glas", "glazen"), ("huis", "huizen"),
    ("middel", "middelen"), ("gegeven", "gegevens"), ("kind", "kinderen"), ("blad", "bladeren"),
    ("binnenstad", "binnensteden"), ("raadslid", "raadsleden"), ("tabblad", "tabbladen"),
    ("mogelijkheid", "mogelijkheden"), ("gelegenheid", "gelegenheden"),  # -heid/-heden
    ("organisatie", "organisaties"), ("strategie", "strategieën"),  # -ie/-ies, -ieën
    ("museum", "musea"), ("criterium", "criteria"), ("centrum", "centra"), ("medium", "media"),
    ("politicus", "politici"), ("regio", "regio's"), ("idee", "ideeën"), ("zee", "zeeën"),
    # nouns with ge- in front: a plural is not a participle
    ("gemeente", "gemeenten"), ("gebouw", "gebouwen"), ("gesprek", "gesprekken"),
    ("gevolg", "gevolgen"), ("geval", "gevallen"), ("gebruik", "gebruiken"),
    ("crisis", "crises"), ("index", "indices"), ("symposium", "symposia"), ("ei", "eieren"),
    # diminutives
    ("straat", "straatje"), ("straat", "straatjes"), ("straatje", "straatjes"),
    ("boom", "boompje"), ("bloem", "bloemetjes"), ("stoel", "stoeltje"), ("auto", "autootje"),
]  # fmt: skip


# --- the word roots ---------------------------------------------------------------------------


def test_the_forms_of_a_word_share_a_root():
    """Each form's roots (the index holds a page's, the query asks for the typed word's) meet."""
    apart = [
        (one, roots(one), other, roots(other))
        for one, other in [*QUERY_PAIRS, *ROOT_PAIRS]
        if not set(roots(one)) & set(roots(other))
    ]
    assert len(ROOT_PAIRS) > 100 and apart == []


def test_the_table_of_irregular_forms_is_well_formed():
    families = [
        line.split() for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]  # fmt: skip
    assert len(families) > 150
    assert [
        f for f in families if len(f) < 2 or any(not re.fullmatch("[a-z]+", w) for w in f)
    ] == []
    lemmas_ = [family[0] for family in families]
    assert sorted({x for x in lemmas_ if lemmas_.count(x) > 1}) == []
    # A form in two families is a form of both ("was": zijn, wassen).
    assert FORMS["was"] == ("zijn", "wassen") and FORMS["schreef"] == ("schrijven",)
    assert "ontwerpen" in lemmas("ontworpen") and "raadslid" in lemmas("raadsleden")
    assert lemmas("plannen") == () and roots("de") == () and roots("is") == ("zijn",)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("één", "een"), ("pagina's", "paginas"), ("Ideeën", "ideeen"), ("CASUS", "casus")],
)
def test_fold_drops_case_accents_and_apostrophes(word, expected):
    assert fold(word) == expected


def test_short_words_and_non_words_have_no_root():
    assert root("de") == root("") == root("co2") == ""
    assert words("De pagina's van 2018, co-creatie.") == ["De", "pagina's", "van", "co", "creatie"]


# --- the index --------------------------------------------------------------------------------


def _pages(site: Path) -> dict[str, set[str]]:
    """Each indexed page's URL and the folded words of the text the index holds of it."""
    found = {}
    for path in search_index.page_files(site):
        page_html = path.read_text(encoding="utf-8")
        if search_index.FIELDS.search(page_html) is None:
            continue
        text = search_index._article_text(page_html)
        found[search_index.page_url(site, path)] = {fold(w) for w in words(text)}
    return found


@REAL
def test_the_index_is_dutch_and_holds_the_pages_and_nothing_else(real_site):
    entry = json.loads((real_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    pages = _pages(real_site)
    assert list(entry["languages"]) == ["nl"]
    assert entry["languages"]["nl"]["page_count"] == len(pages) > 20
    assert "voorbeeld/" in pages and "" in pages
    # Not the editor, the 404 page, or the generated change pages (the proposal's, here).
    assert (real_site / "wijzigingen" / "voorstel" / "index.html").is_file()
    assert not [u for u in pages if u.startswith(("admin/", "wijzigingen/")) or u == "404.html"]
    # Material's lunr index and worker are not shipped, nor Pagefind's ready-made UIs.
    assert not (real_site / "search").exists()
    assert not list((real_site / "assets" / "javascripts").glob("**/search.*.min.js"))
    assert not (real_site / "assets" / "javascripts" / "lunr").exists()
    assert not list((real_site / "pagefind").glob("pagefind-*ui*"))
    # The site's pages are not changed for the index: the roots are in the index only.
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind" not in home and MARK not in re.sub(
        r"<script.*?</script>", "", home, flags=re.S
    )


@REAL
def test_the_index_of_the_same_pages_is_the_same_byte_for_byte(real_site, tmp_path):
    """Pagefind lists the filters (three here) in any order (Pagefind/pagefind#638): sorted."""
    prepared, _ = search_index.records(real_site, None)
    trees = []
    for run in range(3):
        output = tmp_path / f"index-{run}"
        search_index._write(prepared, output)
        assert search_index.make_stable(output)
        trees.append({p.relative_to(output): p.read_bytes() for p in output.rglob("*.*")})
    assert (
        trees[0] == trees[1] == trees[2]
        and len(list((tmp_path / "index-0" / "filter").iterdir())) == 3
    )
    # Metadata that is not as expected (another Pagefind) is left as Pagefind wrote it.
    meta = next((tmp_path / "index-0").glob("*.pf_meta"))
    meta.write_bytes(gzip.compress(b"pagefind_dcd\xff"))
    entry = (tmp_path / "index-0" / "pagefind-entry.json").read_bytes()
    assert not search_index.make_stable(tmp_path / "index-0")
    assert meta.exists() and (tmp_path / "index-0" / "pagefind-entry.json").read_bytes() == entry


def test_a_page_is_prepared_once_per_process(tmp_path):
    """The rebuilds of `make serve` prepare only the pages that changed."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    page = (
        '<html><body><article><span hidden data-kk-search-fields data-kk-type="plan" '
        'data-kk-status="concept" data-kk-case="amstelstad"></span><h1>A</h1><p>{}</p></article>'
        "</body></html>"
    )
    (site / "index.html").write_text(page.format("Sessies over kansen"), encoding="utf-8")
    (site / "a" / "index.html").write_text(page.format("Geleerd"), encoding="utf-8")
    (site / "404.html").write_text(page.format("Niet gevonden"), encoding="utf-8")
    search_index.forget()
    first = search_index.build_index(site, None)
    (site / "a" / "index.html").write_text(page.format("Verkokerd"), encoding="utf-8")
    second = search_index.build_index(site, None)
    assert (first.pages, first.reused) == (2, 0)
    assert (second.pages, second.reused) == (2, 1)
    prepared, _ = search_index.records(site, None)
    record = {r.url: r.html for r in prepared}["a/"]
    assert f"verkoker{MARK}" in record and f"ler{MARK}" not in record
    assert 'data-pagefind-filter="Casusgebied:amstelstad"' in record
    assert 'data-pagefind-meta="statuskey:concept"' in record


# --- in the browser -------------------------------------------------------------------------

SEARCH_JS = """async ([query, filters]) => {
  const dialog = document.getElementById('kk-search');
  if (!dialog.open) document.querySelector('.kk-search__open').click();
  for (const select of dialog.querySelectorAll('select[data-kk-filter]')) {
    const until = Date.now() + 10000;
    while (filters[select.dataset.kkFilter] && select.options.length < 2 && Date.now() < until) await new Promise(r => setTimeout(r, 20));
    select.value = filters[select.dataset.kkFilter] || '';
  }
  const status = dialog.querySelector('.kk-search__status');
  status.textContent = '';
  const input = dialog.querySelector('#kk-search-query');
  input.value = query;
  input.form.requestSubmit();
  const deadline = Date.now() + 10000;
  while (!status.textContent && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
  return {status: status.textContent,
          results: [...dialog.querySelectorAll('.kk-search__result')].map(li => ({
            href: li.querySelector('a').getAttribute('href'),
            title: li.querySelector('a').textContent,
            marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
            facts: li.querySelector('.kk-search__facts').textContent,
            badge: li.querySelector('.kk-badge') ? li.querySelector('.kk-badge').className : ''}))};
}"""


def _search(page, base: str, query: str, **filters) -> dict:
    found = page.evaluate(SEARCH_JS, [query, filters])
    found["urls"] = {r["href"].removeprefix(base) for r in found["results"]}
    return found


@pytest.fixture(scope="module")
def searcher(browser, real_site):
    """The real site served under /plannen/, one page with the search dialog."""
    with serve_site(real_site) as base:
        auditor = Auditor(browser, base)
        context = auditor.context("licht", axe=True)
        page = context.new_page()
        page.goto(base, wait_until="load")
        yield page, base, auditor
        context.close()


@REAL
def test_each_form_finds_every_page_that_holds_the_other(searcher, real_site):
    page, base, _ = searcher
    pages = _pages(real_site)
    missed = []
    for one, other in QUERY_PAIRS:
        for query, held in ((one, other), (other, one)):
            holding = {url for url, text in pages.items() if fold(held) in text}
            found = _search(page, base, query)["urls"]
            if holding - found:
                missed.append(f"{query!r} mist {sorted(holding - found)} (met {held!r})")
        assert any(fold(one) in text or fold(other) in text for text in pages.values()), one
    assert missed == []


@REAL
def test_results_show_title_excerpt_status_and_type_and_filter(searcher):
    page, base, _ = searcher
    found = _search(page, base, "sessies")
    assert found["status"].startswith(f"{len(found['urls'])} resultaten voor ‘sessies’")
    session = next(r for r in found["results"] if r["href"] == base + "casussen/amstelstad/sessie/")
    assert session["title"] == "Sessie Amstelstad"
    assert session["marks"] and all(fold(m).startswith("sessie") for m in session["marks"])
    assert "Soort: Sessie" in session["facts"] and "Status: Concept" in session["facts"]
    assert "kk-badge--concept" in session["badge"]
    assert not [u for u in found["urls"] if "wijzigingen/" in u or "admin/" in u or "404" in u]
    # Filters from the front matter: case area, type, status.
    amstelstad = _search(page, base, "sessies", Casusgebied="Amstelstad")
    assert amstelstad["results"] and all(
        "Casusgebied: Amstelstad" in r["facts"] for r in amstelstad["results"]
    )
    assert amstelstad["urls"] < found["urls"]
    plans = _search(page, base, "", Soort="Projectplan")
    assert len(plans["urls"]) == 3 and all(
        "Soort: Projectplan" in r["facts"] for r in plans["results"]
    )
    assert (
        _search(page, base, "zwxqvbestaatniet")["status"]
        == "Geen resultaten voor ‘zwxqvbestaatniet’."
    )


AXE_DIALOG_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary || ''}))}));
}"""


@REAL
def test_the_dialog_passes_axe_in_both_palettes_and_works_by_keyboard(searcher):
    from browser_support import Visit

    page, base, auditor = searcher
    page.goto(base + "casussen/", wait_until="load")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("/")  # the shortcut opens the dialog with the focus in the field
    page.wait_for_function("document.getElementById('kk-search').open")
    assert page.evaluate("document.activeElement.id") == "kk-search-query"
    dialog = page.evaluate("""() => { const d = document.getElementById('kk-search');
      const s = d.querySelector('.kk-search__status');
      return {role: d.getAttribute('role') || 'dialog', name: document.getElementById(d.getAttribute('aria-labelledby')).textContent,
              live: s.getAttribute('role') + ' ' + s.getAttribute('aria-live')}; }""")
    assert dialog == {"role": "dialog", "name": "Zoeken in de plannen", "live": "status polite"}
    _search(page, base, "geleerd")
    visits = []
    for scheme in SCHEMES:
        if scheme != "licht":
            switch_palette(page, scheme)
        violations = page.evaluate(AXE_DIALOG_JS, WCAG_TAGS)
        visits.append(Visit("casussen/ (zoeken)", scheme, "", violations=violations))
    assert not [v for v in visits if v.violations], format_violations(visits)
    page.keyboard.press("Tab")  # from the field on: the filters, then the results
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('kk-search').open") is False
    # The dialog's "close" event comes in a later task than the key: wait for the
    # focus to be handed back to the search button (a timeout fails the test).
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('kk-search__open')",
        timeout=5000,
    )
    page.emulate_media(color_scheme=SCHEMES["licht"][0])
    page.wait_for_load_state("networkidle")
    assert auditor.foreign == []


@REAL
def test_search_loads_only_pagefind_and_no_theme_search(browser, real_site):
    with serve_site(real_site) as base:
        context = Auditor(browser, base).context("licht")
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + "programma/", wait_until="load")
        before = list(requested)
        assert not [u for u in before if "pagefind" in u]  # only when the dialog opens
        _search(page, base, "plannen")
        page.wait_for_load_state("networkidle")
        context.close()
    assert [u for u in requested if "/pagefind/" in u] and all(
        u.startswith(base) for u in requested
    ), requested
    assert not [u for u in requested if "search_index" in u or "workers/search" in u or "lunr" in u]


@REAL
def test_a_copy_opened_from_disk_says_why_search_does_not_work(browser, real_site):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto((real_site / "leerrondes" / "index.html").as_uri(), wait_until="load")
    page.click(".kk-search__open")
    page.wait_for_function("document.querySelector('.kk-search__status').textContent !== ''")
    notice = page.text_content(".kk-search__status")
    context.close()
    assert notice.startswith(
        "Zoeken werkt niet in een kopie van de site die u rechtstreeks van schijf opent"
    )


#: Words with what the two rule sets could read differently: accents, apostrophes, capitals,
#: letters outside ASCII, endings that are the whole word.
TRICKY = ["geïnvesteerd", "Ideeën", "ruïne", "café's", "ÉÉN", "Øresund", "straße", "İstanbul",
          "ĳsbaan", "geen", "gegeten", "ingen", "heden", "mogelijkheden", "gezz"]  # fmt: skip


@REAL
def test_the_words_roots_in_the_browser_are_the_indexs(searcher, real_site):
    """search.js and koppelkansen/search/words.py give every word of the site the same root."""
    page, base, _ = searcher
    _search(page, base, "plan")  # the dialog has loaded the index and the table of forms
    served = json.loads((real_site / "pagefind" / FORMS_FILE).read_text(encoding="utf-8"))
    assert {form: tuple(found) for form, found in served.items()} == FORMS
    every = sorted({w for path in search_index.page_files(real_site) for w in words(
        search_index._article_text(path.read_text(encoding="utf-8"))
    )} | {w for pair in [*QUERY_PAIRS, *ROOT_PAIRS] for w in pair} | set(TRICKY) | set(FORMS)
      | {f"be{w}" for w in FORMS} | {f"{w}s" for w in FORMS})  # fmt: skip
    in_browser = page.evaluate(
        "ws => ws.map(w => [window.koppelkansenSearchWords.root(w),"
        " window.koppelkansenSearchWords.root(w, false), window.koppelkansenSearchWords.roots(w)])",
        every,
    )
    differ = [
        (w, b, (root(w), root(w, participle=False), list(roots(w))))
        for w, b in zip(every, in_browser, strict=True)
        if b != [root(w), root(w, participle=False), list(roots(w))]
    ]
    assert len(every) > 1500 and differ == []


# --- the author's loop ------------------------------------------------------------------------

DRAFT = """---
title: Nieuwe schets
type: pagina
status: concept
---

# Nieuwe schets

Een schets over wadiriolen in het casusgebied.
"""


def test_a_draft_and_an_edited_page_are_found_after_a_rebuild(browser, tmp_path):
    config = make_site_project(tmp_path)
    site = tmp_path / "site"
    assert run_build(config, site).returncode == 0
    index = tmp_path / "docs" / "index.md"
    with serve_site(site) as base:
        context = Auditor(browser, base).context("licht")
        page = context.new_page()
        page.goto(base, wait_until="load")
        assert _search(page, base, "wadiriool")["urls"] == set()
        assert _search(page, base, "kribbenwerken")["urls"] == set()
        (tmp_path / "docs" / "schets.md").write_text(DRAFT, encoding="utf-8")
        index.write_text(
            index.read_text(encoding="utf-8") + "\nHier komt een kribbenwerk.\n", encoding="utf-8"
        )
        result = run_build(config, site)
        assert result.returncode == 0, result.stderr
        page.goto(base, wait_until="load")
        draft = _search(page, base, "wadiriool")  # the page says "wadiriolen"
        edited = _search(page, base, "kribbenwerken")  # the page says "kribbenwerk"
        context.close()
    assert draft["urls"] == {"schets/"}
    assert "Status: Concept" in draft["results"][0]["facts"]
    assert edited["urls"] == {""}


def test_make_serve_indexes_after_the_pages_are_served_and_equals_a_cold_index(tmp_path):
    """A rebuild of ``make serve`` writes the index in a thread: the site keeps the last complete
    index meanwhile (MkDocs emptied the folder), and the new one equals a cold index as data."""
    page = (
        '<html><body><article><span hidden data-kk-search-fields data-kk-type="plan" '
        'data-kk-status="concept" data-kk-case=""></span><h1>{0}</h1><p>{1}</p></article>'
        "</body></html>"
    )
    texts = {f"p{n}": f"Pagina {n} over sessies en plannen" for n in range(6)}

    def write(site: Path) -> None:
        for name, text in texts.items():
            (site / name).mkdir(parents=True, exist_ok=True)
            (site / name / "index.html").write_text(page.format(name, text), encoding="utf-8")

    site, cold = tmp_path / "site", tmp_path / "koud"
    search_index.forget()
    write(site)
    search_index.build_index_later(site, None)
    search_index.wait()
    first = search_index.fragments(site)
    assert len(first) == 6 and not (site / "search").exists()
    shutil.rmtree(site)  # what MkDocs does before a rebuild
    texts["p3"] = "Hier staan de kribbenwerken die werden beschreven"
    write(site)
    search_index.build_index_later(site, None)
    stale = search_index.fragments(site)  # the pages are served now, with the last index
    search_index.wait()
    fresh = search_index.fragments(site)
    search_index.forget()
    write(cold)
    search_index.build_index(cold, None)
    assert stale == first != fresh == search_index.fragments(cold)
    assert "kribbenwerken" in next(f for f in fresh if f["url"] == "/p3/")["content"]
    assert sorted(p.name for p in site.iterdir() if p.name not in texts) == [search_index.OUTPUT]


def test_a_failing_pagefind_stops_with_a_dutch_message_and_keeps_the_old_index(
    tmp_path, monkeypatch
):
    import pagefind.service

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<html><body><article><span hidden data-kk-search-fields data-kk-type="pagina" '
        'data-kk-status="" data-kk-case=""></span><h1>A</h1><p>Sessies</p></article></body></html>',
        encoding="utf-8",
    )
    assert search_index.build_index(site, None).pages == 1
    entry = (site / "pagefind" / "pagefind-entry.json").read_bytes()
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: Path("/bin/false"))
    with pytest.raises(search_index.SearchIndexError) as failed:
        search_index.build_index(site, None)
    assert str(failed.value).startswith("De zoekindex is niet gemaakt: Pagefind stopte met code 1")
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(search_index.SearchIndexError, match="het programma Pagefind ontbreekt"):
        search_index.build_index(site, None)
    assert (site / "pagefind" / "pagefind-entry.json").read_bytes() == entry
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "pagefind"]
