"""The PDF tools under test: ours and the peers a team would otherwise pick, each in its own venv.

Every peer gets the same Markdown as ours (``make_corpus(..., plain=True)``: plain MkDocs +
Material with our Markdown extensions), plus its plugin configured as its documentation says.
Peers are installed from ``scripts/bench/requirements/<key>.txt`` (pinned, with hashes) into
``.bench/venvs/<key>/``; the venv is rebuilt when its requirements file changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from scripts.bench.corpus import ROOT, Corpus, make_corpus
from scripts.chromium import QUIET_FLAGS

BENCH = ROOT / ".bench"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements"
OUR_PYTHON = Path(sys.executable)
OUR_BUNDLE = "site/downloads/koppelkansen-projectplannen.pdf"

#: Debian packages the PDF section needs: pdftotext for completeness, Chromium for the
#: print-site peer, Pango for WeasyPrint (mkdocs-pdf-export-plugin, mkdocs-to-pdf).
SYSTEM_PACKAGES = [
    "poppler-utils",
    "chromium",
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "fonts-dejavu-core",
]

CHROMIUM_FLAGS = ["--headless", *QUIET_FLAGS, "--no-pdf-header-footer"]


@dataclass
class Tool:
    key: str
    label: str
    #: Output PDF relative to the corpus root (None: the tool makes no PDF).
    pdf: str | None
    #: Packages whose versions the report lists.
    packages: list[str] = field(default_factory=list)
    venv: Path | None = None  # None: our .venv

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python" if self.venv else OUR_PYTHON

    def prepare(
        self, target: Path, pages: int, *, our_options: dict[str, Any] | None = None
    ) -> Corpus:
        raise NotImplementedError

    def command(self, corpus: Corpus) -> list[str]:
        return [str(self.python), "-m", "mkdocs", "build", "-f", str(corpus.config_file)]

    def versions(self) -> dict[str, str]:
        code = (
            "import importlib.metadata as m, json, sys\n"
            "out = {}\n"
            "for p in sys.argv[1:]:\n"
            "    try: out[p] = m.version(p)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(out))"
        )
        result = subprocess.run(
            [str(self.python), "-c", code, *self.packages], capture_output=True, text=True
        )
        import json

        return json.loads(result.stdout) if result.returncode == 0 else {}


class Ours(Tool):
    def prepare(
        self, target: Path, pages: int, *, our_options: dict[str, Any] | None = None
    ) -> Corpus:
        return make_corpus(target, pages, page_type="pagina", plugin_options=our_options)


class Plain(Tool):
    """Plain MkDocs + Material in our venv (the site-build baseline)."""

    def prepare(
        self, target: Path, pages: int, *, our_options: dict[str, Any] | None = None
    ) -> Corpus:
        return make_corpus(target, pages, plain=True)


class Peer(Tool):
    plugin: Any = None

    def prepare(
        self, target: Path, pages: int, *, our_options: dict[str, Any] | None = None
    ) -> Corpus:
        corpus = make_corpus(target, pages, plain=True)
        config = yaml.safe_load(corpus.config_file.read_text(encoding="utf-8"))
        # The peers' own warnings (unsupported CSS and the like) must not abort their build.
        config["strict"] = False
        config["plugins"].append(self.plugin)
        corpus.config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        return corpus


class PdfExport(Peer):
    plugin: ClassVar[dict] = {"pdf-export": {"combined": True}}


class ToPdf(Peer):
    plugin: ClassVar[dict] = {"to-pdf": {"output_path": "pdf/document.pdf"}}


class PrintSite(Peer):
    plugin = "print-site"  # last in the list, as its README asks

    def command(self, corpus: Corpus) -> list[str]:
        page = corpus.root.resolve() / "site" / "print_page" / "index.html"
        out = corpus.root.resolve() / self.pdf  # type: ignore[operator]
        profile = Path(tempfile.gettempdir()) / f"bench-chromium-{os.getpid()}"
        chromium = [
            shutil.which("chromium") or "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        build = [str(self.python), "-m", "mkdocs", "build", "-f", str(corpus.config_file)]
        # One process tree: the MkDocs build and then Chromium printing its print page.
        script = (
            f"rm -rf {_q(profile)} && {' '.join(map(_q, build))} && "
            f"{' '.join(map(_q, chromium))}; rc=$?; rm -rf {_q(profile)}; exit $rc"
        )
        return ["bash", "-c", script]


def _q(text: str | Path) -> str:
    import shlex

    return shlex.quote(str(text))


def tools() -> dict[str, Tool]:
    venvs = BENCH / "venvs"
    ours_pkgs = ["koppelkansen", "mkdocs", "mkdocs-material", "typst", "lxml"]
    peer_pkgs = ["mkdocs", "mkdocs-material", "weasyprint"]
    return {
        "ours": Ours("ours", "ours (Typst bundle)", OUR_BUNDLE, ours_pkgs),
        "ours-nopdf": Ours("ours-nopdf", "ours, pdf: false", None, ours_pkgs),
        "plain": Plain("plain", "plain MkDocs + Material", None, ["mkdocs", "mkdocs-material"]),
        "pdf-export": PdfExport(
            "pdf-export",
            "mkdocs-pdf-export-plugin (combined)",
            "site/pdf/combined.pdf",
            ["mkdocs-pdf-export-plugin", *peer_pkgs],
            venvs / "pdf-export",
        ),
        "to-pdf": ToPdf(
            "to-pdf",
            "mkdocs-to-pdf",
            "site/pdf/document.pdf",
            ["mkdocs-to-pdf", *peer_pkgs],
            venvs / "to-pdf",
        ),
        "print-site": PrintSite(
            "print-site",
            "mkdocs-print-site-plugin + Chromium",
            "print-site.pdf",
            ["mkdocs-print-site-plugin", "mkdocs", "mkdocs-material"],
            venvs / "print-site",
        ),
    }


def ensure_venv(tool: Tool) -> None:
    """Create the tool's venv from its pinned requirements, unless it is up to date."""
    if tool.venv is None:
        return
    requirements = REQUIREMENTS / f"{tool.key}.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = tool.venv / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"[bench] installing {tool.label} into {tool.venv.relative_to(ROOT)} ...", flush=True)
    shutil.rmtree(tool.venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(tool.venv)], check=True)
    subprocess.run(
        [
            str(tool.python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "-r",
            str(requirements),
        ],
        check=True,
    )
    stamp.write_text(digest)


def ensure_system_packages(packages: list[str] = SYSTEM_PACKAGES) -> None:
    """Install missing Debian packages with apt-get when we are root; otherwise say what to do."""
    missing = [
        p
        for p in packages
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True
        ).stdout
        != "install ok installed"
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(
            f"[bench] missing Debian packages: {' '.join(missing)}; "
            f"install them: apt-get install {' '.join(missing)}"
        )
    print(f"[bench] apt-get install {' '.join(missing)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
    )
