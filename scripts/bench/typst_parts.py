"""What the bundle's whole-document features cost Typst (issue 22, item 3; issue 33): the contents
page, the chapter in the running header (a page set rule per chapter since issue 33), the page
total in the footer and the internal links (a dictionary lookup since issue 33, a query per link
before), each cut from the template in turn, and all four; with the layout passes each variant
needs (koppelkansen/pdf/passes.py, under gdb).

    python -m scripts.bench.typst_parts [--pages 200] [--rounds 2]

Builds the benchmark corpus once (``make site``'s build, in this process) and keeps the Typst
sources of its bundle; then, per variant and in a fresh process each, compiles the bundle cold and
then once more after a one-word edit with the same compiler kept alive (what ``make serve-pdf``
does). Prints one JSON line per variant and round: cold and live seconds, and the layout passes
of the cold compile (counted in a compile of its own). Measure on a quiet
machine; the rounds run in a rotating order. Not part of ``make bench`` (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEMPLATE = ROOT / "koppelkansen" / "pdf" / "templates" / "report.typ"
FONTS = ROOT / "docs" / "assets" / "fonts"
#: (text in the template, what replaces it) pairs per feature. The contents: Typst's outline and
#: the stand-in that gives it its length in the first pass (pdf/contents.py).
CUTS = {
    "outline": (
        ("outline(title: none, depth: 2)", "[]"),
        ("contents != none and query(<kk-end>).len() == 0", "false"),
    ),
    "chapter-header": (
        ("header: kk-header(title, status: status, status-label: status-label),", ""),
    ),
    "page-total": (("#counter(page).final().first()", "?"),),
    "internal-links": (('if target != "" and target in known', "if false"),),
}
VARIANTS = {"full": [], **{f"no-{name}": [name] for name in CUTS}, "none-of-them": list(CUTS)}
CHILD = r"""
import sys, time, typst
main, fonts, page = sys.argv[1:4]
options = dict(root="/", font_paths=[fonts], ignore_system_fonts=True)
started = time.perf_counter()
compiler = typst.Compiler(main, **options)
compiler.compile(format="pdf", pdf_standards=["ua-1"])
cold = time.perf_counter() - started
text = open(page, encoding="utf-8").read()
open(page, "w", encoding="utf-8").write(text.replace("water", "waterx", 1))
started = time.perf_counter()
compiler.compile(format="pdf", pdf_standards=["ua-1"])
print(cold, time.perf_counter() - started)
"""


def bundle_sources(work: Path, pages: int) -> tuple[Path, str]:
    """The bundle's main file and page files of an n-page corpus, copied into ``work``; and the
    folder the page files were written to (named in the main file)."""
    from koppelkansen.adapter.engine import build_here
    from koppelkansen.build import build_site
    from koppelkansen.pdf import typeset
    from scripts.bench.corpus import make_corpus

    corpus = make_corpus(
        work / "corpus", pages, page_type="pagina", plugin_options={"pdf_bundle_types": ["pagina"]}
    )
    kept: dict[str, str] = {}
    original = typeset.Typesetter._compile

    def keep(self: typeset.Typesetter, sources: typeset.Sources) -> dict[str, float]:
        shutil.copytree(sources.work, work / "sources", dirs_exist_ok=True)
        kept["pages"] = str(sources.work / "pages")
        return original(self, sources)

    typeset.Typesetter._compile = keep  # type: ignore[method-assign]
    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    if build_site(corpus.config_file, corpus.root / "site", force=True, in_process=build_here) != 0:
        raise SystemExit("the corpus did not build")
    mains = sorted((work / "sources").glob("koppelkansen-projectplannen*.typ"))
    return mains[0], kept["pages"]


def variant(work: Path, main: Path, pages_dir: str, name: str) -> dict[str, float] | str:
    folder = work / f"v-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "pages").mkdir(parents=True)
    text = TEMPLATE.read_text(encoding="utf-8")
    for cut in VARIANTS[name]:
        for old, new in CUTS[cut]:
            if old not in text:
                return f"the template no longer holds {old!r}"
            text = text.replace(old, new)
    (folder / "report.typ").write_text(text, encoding="utf-8")

    def moved(source: str) -> str:
        return source.replace(str(TEMPLATE), str(folder / "report.typ")).replace(
            pages_dir + "/", str(folder / "pages") + "/"
        )

    for page in (main.parent / "pages").iterdir():
        (folder / "pages" / page.name).write_text(
            moved(page.read_text(encoding="utf-8")), encoding="utf-8"
        )
    copy = folder / "main.typ"
    copy.write_text(moved(main.read_text(encoding="utf-8")), encoding="utf-8")
    edited = sorted((folder / "pages").glob("*.typ"))[len(list((folder / "pages").iterdir())) // 2]
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(copy), str(FONTS), str(edited)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return run.stderr[-500:]
    cold, live = (float(x) for x in run.stdout.split())
    from koppelkansen.pdf.passes import count_passes
    from koppelkansen.pdf.worker import typst_options

    counted = count_passes(copy, typst_options(FONTS, None))
    return {"cold_s": round(cold, 2), "live_edit_s": round(live, 2), "passes": counted or 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "work" / "typst-parts")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    main_file, pages_dir = bundle_sources(work, args.pages)
    names = list(VARIANTS)
    for round_no in range(args.rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            result = variant(work, main_file, pages_dir, name)
            print(
                json.dumps({"round": round_no + 1, "variant": name, "result": result}), flush=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
