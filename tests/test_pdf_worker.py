"""The Typst child process of a build (koppelkansen.pdf.worker.ChildCompiler), with real Typst."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from koppelkansen.pdf.pdfstreams import fix_stream_ends
from koppelkansen.pdf.typeset import TEMPLATE
from koppelkansen.pdf.typstsyntax import typst_str
from koppelkansen.pdf.worker import RESTART_AFTER_MB, ChildCompiler, WorkerError, typst_options

FONTS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "fonts"


def _main(tmp_path: Path, name: str, body: str) -> Path:
    main = tmp_path / f"{name}.typ"
    main.write_text(
        f"#import {typst_str(str(TEMPLATE))}: *\n"
        f'#show: report.with(title: {typst_str(name)}, site-url: "https://example.org/")\n'
        f"{body}\n",
        encoding="utf-8",
    )
    return main


def test_small_pdfs_share_one_child_and_match_a_fresh_compile(tmp_path: Path) -> None:
    mains = [_main(tmp_path, f"deel-{n}", f"= Hoofdstuk {n}\n\nTekst {n}.") for n in range(3)]
    with ChildCompiler() as child:
        pdfs = [child.compile(main, FONTS, 0) for main in mains]
        assert child.started == 1
    # The same bytes as Typst in a process of its own: the child's cache changes no output.
    assert pdfs == [
        fix_stream_ends(typst.compile(str(main), **typst_options(FONTS, 0))) for main in mains
    ]
    assert len(set(pdfs)) == 3


def test_a_large_parent_does_not_make_the_child_look_large(tmp_path: Path) -> None:
    """Linux carries the parent's peak memory into a child's ``ru_maxrss`` on exec: started by
    a build (or a test worker) past the restart limit, the child was replaced after every PDF,
    and this suite failed when an earlier test had grown its worker."""
    ballast = bytearray(2 * RESTART_AFTER_MB * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # resident, not only reserved
    mains = [_main(tmp_path, f"deel-{n}", "Tekst.") for n in range(2)]
    with ChildCompiler() as child:
        for main in mains:
            assert child.compile(main, FONTS, 0).startswith(b"%PDF")
        assert child.started == 1
    del ballast


def test_a_child_past_its_memory_limit_is_replaced_before_the_next_pdf(tmp_path: Path) -> None:
    mains = [_main(tmp_path, f"deel-{n}", "Tekst.") for n in range(3)]
    with ChildCompiler(restart_after_mb=0) as child:
        for main in mains:
            assert child.compile(main, FONTS, 0).startswith(b"%PDF")
        assert child.started == 3


def test_a_typst_error_comes_back_as_itself_and_the_child_goes_on(tmp_path: Path) -> None:
    bad = _main(tmp_path, "kapot", "#let x = (")
    good = _main(tmp_path, "goed", "Tekst.")
    with ChildCompiler() as child:
        with pytest.raises(typst.TypstError):
            child.compile(bad, FONTS, 0)
        assert child.compile(good, FONTS, 0).startswith(b"%PDF")
        assert child.started == 1


def test_a_killed_child_is_a_dutch_error_and_the_next_pdf_gets_a_new_one(tmp_path: Path) -> None:
    main = _main(tmp_path, "goed", "Tekst.")
    with ChildCompiler() as child:
        child.compile(main, FONTS, 0)
        assert child._child is not None
        child._child.kill()
        child._child.wait()
        with pytest.raises(WorkerError, match=r"het Typst-proces stopte met code -9"):
            child.compile(main, FONTS, 0)
        assert child.compile(main, FONTS, 0).startswith(b"%PDF")
        assert child.started == 2


def test_closing_leaves_no_process_and_no_files(tmp_path: Path) -> None:
    main = _main(tmp_path, "goed", "Tekst.")
    child = ChildCompiler()
    child.compile(main, FONTS, 0)
    process, folder = child._child, child._folder
    assert process is not None and folder is not None
    child.close()
    assert process.poll() == 0
    assert not Path(folder.name).exists()
