"""A proposal's change view at scale (issue 21): a pull request that touches one plan of the
200-page corpus, compared with its base.

    python -m scripts.bench.proposal [--quick] [--pages 200] [--runs 3] [--work DIR]

Builds the benchmark corpus (``scripts/bench/corpus.py``, pages of type ``pagina`` as the plans)
in a scratch git repository with the corpus on ``main``, then edits one page in the working tree
as a proposal would: a word replaced, a section moved to the end, the status changed. Each run
is a process of its own that reads the corpus, then computes the change view against ``main``
(:func:`koppelkansen.versions.proposal.resolve`, ``compute`` and the page's Markdown) and reports
that part alone, wall and CPU seconds, with the 1-minute load average before it; the whole
``koppelkansen wijzigingen --alleen-samenvatting`` command is timed too. Also run by ``make bench``
as the section ``proposal``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.bench.corpus import ROOT, make_corpus
from scripts.bench.report import Row, table, verdict
from scripts.bench.versions import Timing, _figures, _git, timed

TARGET_SECONDS = 1.0


def make_repository(work: Path, pages: int) -> Path:
    """The corpus committed on ``main``, and one page edited in the working tree."""
    root = work / "voorstel"
    corpus = make_corpus(root, pages, plugin_options={"pdf_bundle_types": ["pagina"]})
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Corpus", epoch=1546819200)
    page = corpus.pages[len(corpus.pages) // 2]
    text = page.read_text(encoding="utf-8")
    text = text.replace("status: concept", "status: ter-bespreking", 1)
    text = text.replace(" water ", " regenwater ", 1)
    sections = re.split(r"(?m)^(?=## )", text)
    if len(sections) > 2:  # the first section after the intro moves to the end
        text = sections[0] + "".join(sections[2:]).rstrip() + "\n\n" + sections[1]
    page.write_text(text, encoding="utf-8")
    return root


def compute_view(root: Path) -> dict[str, float]:
    """Read the corpus, then compute the change view against ``main``: seconds of that alone."""
    from koppelkansen.check.frontmatter import check_docs, defaults_filter
    from koppelkansen.versions.proposal import compute, page_markdown, resolve, shown_keys
    from koppelkansen.versions.tags import docs_prefix

    docs = root / "docs"
    corpus, _, _ = check_docs(docs)
    assert corpus is not None
    statuses = {k: t.label for k, t in corpus.vocabulary.statuses.items()}
    wall, cpu = time.perf_counter(), time.process_time()
    base = resolve(root, "main")
    proposal = compute(
        root,
        base,
        docs_prefix(root, docs),
        docs,
        corpus.pages,
        ["pagina"],
        defaults_filter(corpus.schema),
        shown_keys(corpus.schema),
    )
    page_markdown(proposal, set(corpus.pages), statuses, corpus.vocabulary.type_labels(), None)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "changed": len(proposal.changes),
    }


def measure(work: Path, pages: int, runs: int, log=print) -> list[Row]:
    root = make_repository(work, pages)
    log(f"proposal: corpus of {pages} pages, one page edited, in {root}")
    views: list[Timing] = []
    commands: list[Timing] = []
    command = [sys.executable, "-m", "koppelkansen", "wijzigingen", "--sinds", "main"]
    command += ["--alleen-samenvatting"]
    for r in range(runs):
        t = timed([sys.executable, "-m", "scripts.bench.proposal", "--view-only", str(root)], ROOT)
        if t.ok:
            figures = json.loads(t.output.strip().splitlines()[-1])
            views.append(Timing(figures["wall"], figures["cpu"], t.load, figures["changed"] == 1))
            log(
                f"  change view (run {r + 1}): {figures['wall']:.2f} s wall, {figures['cpu']:.2f} s CPU"
            )
        else:
            views.append(t)
        commands.append(timed(command, root))
    view = _figures(views)
    whole = _figures(commands)
    return [
        Row(
            "7 proposal",
            "change view of a proposal touching 1 page",
            pages,
            seconds=view[0],
            comparison=f"CPU s {view[1]}; load before runs: {view[2]}",
            loads=tuple(t.load for t in views),
            target=f"≈ {TARGET_SECONDS:.0f} s",
            met=verdict(view[3] is not None and view[3] <= TARGET_SECONDS),
        ),
        Row(
            "7 proposal",
            "koppelkansen wijzigingen --alleen-samenvatting (whole command)",
            pages,
            seconds=whole[0],
            comparison=f"CPU s {whole[1]}; load before runs: {whole[2]}",
            loads=tuple(t.load for t in commands),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 pages, 1 run")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "work" / "proposal")
    parser.add_argument("--view-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.view_only:
        print(json.dumps(compute_view(args.view_only.resolve())))
        return 0
    rows = measure(
        args.work.resolve(),
        args.pages or (20 if args.quick else 200),
        args.runs or (1 if args.quick else 3),
    )
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
