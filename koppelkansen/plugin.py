"""MkDocs adapter: runs the check before every build and gives pages their merged front matter.

Everything here delegates to MkDocs-independent modules, so a move to another generator touches
only this file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page as MkDocsPage

from .config import KoppelkansenConfig
from .model import Corpus
from .problems import summary
from .validate import check_docs

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class KoppelkansenPlugin(BasePlugin[KoppelkansenConfig]):
    def __init__(self) -> None:
        self.corpus: Corpus | None = None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        corpus, problems, checked = check_docs(Path(config.docs_dir))
        if problems and self.config.check:
            for problem in problems:
                log.error(problem.format())
            raise PluginError(summary(problems, checked))
        self.corpus = corpus

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        # MkDocs parsed the front matter with YAML 1.1 rules; use the checked, merged values instead.
        if self.corpus is not None and page.file.src_uri in self.corpus.pages:
            page.meta = dict(self.corpus.pages[page.file.src_uri].meta)
        return markdown
