"""Synthetic corpora for benchmarks: N pages with valid front matter, ~1,500 words and 3 tables each.

    python -m scripts.bench.corpus TARGET --pages 200 [--plain]

writes TARGET/docs/ (with the project's schema and fonts) and TARGET/mkdocs.yml. The ours-variant
uses the project's mkdocs.yml (plugin, overrides, extensions); ``--plain`` gives plain MkDocs +
Material with the same Markdown extensions and no koppelkansen plugin. Text is deterministic
(fixed seed), so every run and every tool sees the same pages.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

_WORDS = [
    "water",
    "energie",
    "circulariteit",
    "gemeente",
    "netbeheerder",
    "riolering",
    "warmte",
    "bodem",
    "straat",
    "kade",
    "samenwerking",
    "plan",
    "gebied",
    "bewoners",
    "opgave",
    "investering",
    "kabel",
    "leiding",
    "ontwerp",
    "atelier",
    "directie",
    "kernteam",
    "leren",
    "proces",
    "principe",
    "kans",
    "koppeling",
    "regenwater",
    "hergebruik",
    "materiaal",
    "openbare",
    "ruimte",
    "grond",
    "ontwikkeling",
    "ingenieursbureau",
    "strategie",
    "uitvoering",
    "planning",
    "afstemming",
    "gezamenlijk",
    "integraal",
    "verkokerd",
    "systeem",
    "innovatie",
    "stad",
    "wijk",
    "haven",
    "buurt",
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "door",
    "naar",
    "bij",
    "over",
    "tussen",
    "als",
    "dat",
    "die",
    "wordt",
    "worden",
]

PAGES_PER_FOLDER = 25


@dataclass
class Corpus:
    root: Path
    config_file: Path
    pages: list[Path] = field(default_factory=list)
    #: Every section heading text in the corpus (h2 and h3), for completeness checks.
    headings: list[str] = field(default_factory=list)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(_sentence(rng))
    return " ".join(out)


def _table(rng: random.Random, number: int) -> str:
    header = "| Onderdeel | Water | Energie | Circulariteit |\n|---|---|---|---|\n"
    rows = "".join(
        f"| Onderdeel {number}.{r} | {rng.randint(1, 99)} | {rng.randint(1, 99)} | {rng.choice(_WORDS)} |\n"
        for r in range(1, 7)
    )
    return header + rows


#: Front matter plan and session pages need besides title, type and status (case-area corpus).
TYPE_META: dict[str, dict[str, Any]] = {
    "plan": {
        "owners": ["waternet", "alliander", "gemeente-amsterdam"],
        "themes": ["water", "energie", "circulariteit"],
        "round": "2018-plannen",
    },
    "sessie": {
        "kind": "co-creatiesessie",
        "date": "2018",
        "round": "2018-plannen",
        "organisations": ["waternet", "alliander", "gemeente-amsterdam"],
    },
}
ROUND_PAGE = """---
title: Leerronde 2018
type: leerronde
status: concept
round: 2018-plannen
period:
  start: "2018"
---

# Leerronde 2018

Synthetische leerronde.
"""
#: The case areas of the vocabulary (docs/schema/vocabulary.yml).
CASES = ["amstelstad", "9-straatjes", "haven-stad"]


def page_text(index: int, rng: random.Random, page_type: str) -> tuple[str, list[str]]:
    """One page of about 1,500 words with 3 tables; returns the Markdown and its section headings."""
    title = f"Pagina {index:04d}"
    headings: list[str] = []
    body = [f"# {title}\n", _paragraph(rng, 120) + "\n"]
    for section in range(1, 6):
        heading = f"Sectie {index:04d}.{section}"
        headings.append(heading)
        body.append(f"## {heading}\n")
        body.append(_paragraph(rng, 150) + "\n")
        sub = f"Onderdeel {index:04d}.{section}.1"
        headings.append(sub)
        body.append(f"### {sub}\n")
        body.append(_paragraph(rng, 110) + "\n")
        if section <= 3:
            body.append(_table(rng, section) + "\n")
    meta: dict[str, Any] = {"title": title, "type": page_type, "status": "concept"}
    meta.update(TYPE_META.get(page_type, {}))
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n" + "\n".join(body), headings


def make_corpus(
    target: Path,
    pages: int,
    *,
    plain: bool = False,
    seed: int = 2018,
    page_type: str = "pagina",
    plugin_options: dict[str, Any] | None = None,
    cases: bool = False,
) -> Corpus:
    """Write a corpus of ``pages`` pages (plus a home page) below ``target``.

    ``cases``: the pages are shared out over three case areas, one folder each (a ``.meta.yml``
    with ``case:``, a case page, then one plan and sessions), and the bundle takes plans and
    sessions: a build makes the bundle of all pages and one PDF per case area.
    """
    if target.exists():
        shutil.rmtree(target)
    docs = target / "docs"
    docs.mkdir(parents=True)
    shutil.copytree(ROOT / "docs" / "schema", docs / "schema")
    if not plain:
        shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    rng = random.Random(seed)
    corpus = Corpus(root=target, config_file=target / "mkdocs.yml")
    (docs / "index.md").write_text(
        "---\ntitle: Benchmark\ntype: pagina\nstatus: concept\n---\n\n# Benchmark\n\nSynthetisch corpus.\n",
        encoding="utf-8",
    )
    for index in range(1, pages + 1):
        number = (index - 1) // PAGES_PER_FOLDER
        folder = docs / f"deel-{number + 1:02d}"
        kind = page_type
        if cases:
            number = (index - 1) * len(CASES) // pages
            folder = docs / f"casus-{CASES[number]}"
            kind = "sessie" if folder.exists() else "plan"
            if not folder.exists():
                _case_folder(folder, CASES[number])
        folder.mkdir(exist_ok=True)
        text, headings = page_text(index, rng, kind)
        path = folder / f"pagina-{index:04d}.md"
        path.write_text(text, encoding="utf-8")
        corpus.pages.append(path)
        corpus.headings.extend(headings)
    if cases:
        (docs / "leerronde.md").write_text(ROUND_PAGE, encoding="utf-8")
        plugin_options = {"pdf_bundle_types": ["plan", "sessie"], **(plugin_options or {})}
    corpus.config_file.write_text(
        yaml.safe_dump(_config(plain, plugin_options), sort_keys=False), encoding="utf-8"
    )
    return corpus


def _case_folder(folder: Path, case: str) -> None:
    folder.mkdir()
    (folder / ".meta.yml").write_text(f"case: {case}\n", encoding="utf-8")
    (folder / "index.md").write_text(
        f"---\ntitle: Casus {case}\ntype: casus\nstatus: concept\nthemes: [water, energie]\n"
        "organisations: [waternet, alliander]\n---\n\n"
        f"# Casus {case}\n\n"
        "Synthetisch casusgebied.\n",
        encoding="utf-8",
    )


def _config(plain: bool, plugin_options: dict[str, Any] | None) -> dict[str, Any]:
    """The project's mkdocs.yml, pointed at the corpus; plain drops everything of ours."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(site_name="Benchmark", docs_dir="docs", site_dir="site")
    config.pop("exclude_docs", None)
    plugins = []
    for plugin in config.get("plugins", []):
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name == "koppelkansen":
            if plain:
                continue
            options = (plugin.get(name) or {}) if isinstance(plugin, dict) else {}
            options.update(plugin_options or {})
            plugin = {name: options} if options else name
        elif plain and name != "search":
            continue
        plugins.append(plugin)
    if plain:  # plain MkDocs + Material has Material's own search (the site has Pagefind's)
        plugins.append({"search": {"lang": "nl"}})
    config["plugins"] = plugins
    if plain:
        config["theme"].pop("custom_dir", None)
        config.pop("extra_css", None)
        # Only the schema: a pattern "/assets/" would also drop Material's own assets/ (its CSS and
        # JavaScript), which share the site's assets/ folder. Our assets are not copied for plain.
        config["exclude_docs"] = "/schema/\n"
    else:
        config["theme"]["custom_dir"] = str(ROOT / "overrides")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--cases", action="store_true", help="plans in three case areas")
    args = parser.parse_args()
    corpus = make_corpus(args.target, args.pages, plain=args.plain, cases=args.cases)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.pages) // max(
        len(corpus.pages), 1
    )
    print(
        f"{len(corpus.pages)} pagina's in {args.target} (gemiddeld {words} woorden), {corpus.config_file}"
    )


if __name__ == "__main__":
    main()
