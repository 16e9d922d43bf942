"""A proposal's changes: the working tree (committed or not) against any git ref.

``make wijzigingen SINDS=<ref>`` and the pull-request workflow build one more change page,
``wijzigingen/voorstel.md``, and its PDF, with the engine of the version change pages
(:mod:`koppelkansen.versions.diff`, :mod:`koppelkansen.versions.changepages`). The base side is
read from git, only for the files whose blob differs from the working tree's (the folder defaults
too: when one of them changed, every page of the base is read); the working side is the corpus
the normal loader read. A ref is untrusted text: checked, then passed to git as one argument.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from koppelkansen.check.frontmatter import nearest
from koppelkansen.gitcommand import run_git
from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.gitdates import iso_date
from koppelkansen.pages.loader import DEFAULTS_FILE, Applies, load_texts
from koppelkansen.pages.model import Page
from koppelkansen.versions.changepages import FOLDER, ChangeView, md_text, render
from koppelkansen.versions.diff import PlanChange, compare
from koppelkansen.versions.tags import (
    TAG_PREFIX,
    Version,
    is_shallow,
    read_blobs,
    read_tree,
    read_versions,
)

#: The ref a build compares its working tree with (set by ``koppelkansen wijzigingen``).
SINCE_ENV = "KOPPELKANSEN_SINDS"
#: Its name on the page, when the ref is a commit (the base branch of a pull request).
SINCE_NAME_ENV = "KOPPELKANSEN_SINDS_NAAM"
SRC_URI = f"{FOLDER}/voorstel.md"
_MAX_REF = 200


class ProposalError(Exception):
    """The ref cannot be compared with; the message says why and what to do, in Dutch."""


def shown(text: str) -> str:
    """A value for a message: one line, control characters escaped, at most 80 characters."""
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return line if len(line) <= 80 else line[:77] + "..."


@dataclass(frozen=True)
class Base:
    """The commit a proposal is compared with."""

    ref: str
    commit: str
    epoch: int
    #: What the page calls it (the ref, or the base branch's name for a commit).
    name: str

    @property
    def label(self) -> str:
        if len(self.name) >= 4 and self.commit.startswith(self.name.lower()):  # a commit id
            return f"commit {self.commit[:12]}"
        return f"{self.name} (commit {self.commit[:12]})"

    def version(self) -> Version:
        day = iso_date(self.epoch) if self.epoch else ""
        return Version("", "voorstel", self.name, day, "", self.commit, self.epoch)


@dataclass(frozen=True)
class ProposalView(ChangeView):
    """The change page of a proposal: ``old`` is the base, the newer side the working tree."""

    base: Base | None = None

    @property
    def src_uri(self) -> str:
        return SRC_URI

    @property
    def title(self) -> str:
        return f"Wijzigingen in dit voorstel ten opzichte van {self.base.name if self.base else ''}"

    @property
    def intro(self) -> str:
        base = self.base
        assert base is not None
        day = f", {dutch_date(iso_date(base.epoch))}" if base.epoch else ""
        return (
            f"Wat dit voorstel in de plannen verandert ten opzichte van {md_text(base.label)}"
            f"{md_text(day)}. Per plan staan de hoofdstukken waarin iets is veranderd; de links "
            "gaan naar de pagina's zoals ze na het samenvoegen worden."
        )

    page_link = "Naar de pagina na het samenvoegen"


_BAD_REF = re.compile(r"[\x00-\x20\x7f]|\.\.\.|@\{|\\")


def resolve(repo: Path, ref: str, name: str = "") -> Base:
    """The commit ``ref`` names (a branch, a tag, a commit, ``HEAD~2``), or ProposalError."""
    if not ref.strip():
        raise ProposalError(
            "SINDS ontbreekt: geef de branch, versie-tag of commit waarmee je vergelijkt, "
            "bijvoorbeeld 'make wijzigingen SINDS=main'."
        )
    if len(ref) > _MAX_REF or ref.startswith("-") or _BAD_REF.search(ref):
        raise ProposalError(
            f"SINDS '{shown(ref)}' is geen naam van een branch, tag of commit (geen spaties, "
            "geen streepje vooraan, hoogstens 200 tekens); bijvoorbeeld SINDS=main, "
            "SINDS=versie/2018-10-31 of SINDS=3f2a1b2."
        )
    found = run_git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise ProposalError(_missing(repo, ref))
    commit = found.stdout.strip()
    if not name and ref.startswith(TAG_PREFIX):  # a version: called as the site calls it
        name = next((f"versie {v.label}" for v in read_versions(repo).versions if v.tag == ref), "")
    when = run_git(repo, "show", "-s", "--format=%ct", commit)
    epoch = int(when.stdout.strip()) if when.stdout.strip().isdigit() else 0
    # What the page calls it: one line (a heading, a title), control characters escaped.
    return Base(ref, commit, epoch, shown(" ".join((name or ref).split())))


def _missing(repo: Path, ref: str) -> str:
    what = f"'{shown(ref)}' is niet gevonden"
    if is_shallow(repo):
        return (
            f"{what}: deze kopie is een shallow clone, zonder de volledige geschiedenis. "
            "Haal die op met 'git fetch --unshallow origin' (of alleen deze verwijzing met "
            f"'git fetch origin {shown(ref)}') en probeer het opnieuw."
        )
    names = run_git(
        repo, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes", "refs/tags"
    ).stdout.split()
    close = nearest(ref, names, n=3)
    hint = f" Bedoel je {' of '.join(repr(n) for n in close)}?" if close else ""
    return (
        f"{what}: er is geen branch, tag of commit met die naam in deze repository.{hint} "
        f"Staat hij alleen op GitHub, haal hem dan op met 'git fetch origin {shown(ref)}' "
        "(een versie-tag: 'git fetch --tags') en probeer het opnieuw."
    )


@dataclass
class Proposal:
    base: Base
    view: ProposalView
    #: Every plan that changed, in the order of the change page.
    changes: list[PlanChange]
    #: Pages of any type (paths below docs) added and removed by the proposal.
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _blob_id(data: bytes, length: int) -> str:
    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _wanted(path: str) -> bool:
    return (path.endswith(".md") or path.rsplit("/", 1)[-1] == DEFAULTS_FILE) and not any(
        part.startswith(".") for part in path.split("/")[:-1]
    )


def base_pages(
    repo: Path, base: Base, prefix: str, docs_dir: Path, working: dict[str, Page], applies: Applies
) -> dict[str, Page]:
    """The base's pages, read from git only where a file differs from the working tree's.

    An unchanged page is the working page itself (same text, same folder defaults), so the
    comparison skips it at once (:func:`koppelkansen.versions.diff.plan_diff` compares texts first)."""
    top = prefix.strip("/") + "/" if prefix.strip("/") else ""
    listing = run_git(repo, "ls-tree", "-r", "-z", base.commit, "--", top or ".")
    blobs: dict[str, str] = {}
    for entry in listing.stdout.split("\0"):
        info, _, path = entry.partition("\t")
        parts = info.split()
        if len(parts) == 3 and parts[1] == "blob" and path.startswith(top):
            rel = path[len(top) :]
            if _wanted(rel):
                blobs[rel] = parts[2]
    here = set(working) | {
        p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob(DEFAULTS_FILE) if p.is_file()
    }
    changed = set(blobs) ^ {p for p in here if _wanted(p)}
    for rel in set(blobs) & here:
        try:
            data = (docs_dir / rel).read_bytes()
        except OSError:
            changed.add(rel)
            continue
        if _blob_id(data, len(blobs[rel])) != blobs[rel]:
            changed.add(rel)
    if any(p.rsplit("/", 1)[-1] == DEFAULTS_FILE for p in changed):
        return read_tree(repo, base.commit, prefix, applies)  # defaults changed: read it all
    read = [p for p in blobs if p in changed or not p.endswith(".md")]
    texts = {
        p[len(top) :]: t for p, t in read_blobs(repo, base.commit, [top + p for p in read]).items()
    }
    pages = {
        uri: Page.of_version(uri, page.meta, page.body)
        for uri, page in load_texts(texts, applies).items()
        if uri in changed
    }
    for uri in blobs:
        if uri.endswith(".md") and uri not in changed and uri in working:
            pages[uri] = working[uri]
    return pages


def compute(
    repo: Path,
    base: Base,
    prefix: str,
    docs_dir: Path,
    working: dict[str, Page],
    types: list[str],
    applies: Applies,
) -> Proposal:
    """What the working tree changes against ``base``: the plans, and the pages added or removed."""
    old = base_pages(repo, base, prefix, docs_dir.resolve(), working, applies)
    view = ProposalView(base.version(), None, base)
    return Proposal(
        base=base,
        view=view,
        changes=compare(old, working, types),
        added=sorted(set(working) - set(old)),
        removed=sorted(set(old) - set(working)),
    )


def page_markdown(
    proposal: Proposal,
    current: set[str],
    statuses: dict[str, str],
    pdf_name: Callable[[str], str] | None,
) -> str:
    """The change page's Markdown: the version change pages' legend, blocks and cues."""
    pdf = f"../../downloads/{FOLDER}/{pdf_name(SRC_URI)}.pdf" if pdf_name else ""
    return render(proposal.view, proposal.changes, current, statuses, pdf)


def since_from_environment() -> tuple[str, str]:
    """The ref and its name a build compares with (``KOPPELKANSEN_SINDS``), "" when none."""
    return os.environ.get(SINCE_ENV, ""), os.environ.get(SINCE_NAME_ENV, "")


# -- the summary of a pull request ------------------------------------------------------------


_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def _cell(text: str) -> str:
    """Untrusted text in a table cell of GitHub's Markdown: one line, and every ASCII punctuation
    character backslash-escaped (CommonMark allows it for each), so that no ``~~``, ``|``, ``<``,
    ``&``, ``[``, ``*`` or ``$`` in a title is read as markup, a column, HTML or math."""
    return _ASCII_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def summary(
    proposal: Proposal, statuses: dict[str, str], docs_rel: str, artifact_url: str | None = None
) -> str:
    """A short Dutch summary for the job summary of a pull request (GitHub Markdown).

    ``artifact_url``: the artifact holding the built site; "" when there is none (the build
    failed), None outside CI."""
    lines = [
        "## Wijzigingen in de plannen",
        "",
        f"Dit voorstel vergeleken met {_cell(proposal.base.label)}.",
        "",
    ]
    if proposal.changes:
        lines += [
            "| plan | woorden ingevoegd | woorden verwijderd | hoofdstukken | status |",
            "|---|---:|---:|---|---|",
        ]
        for change in proposal.changes:
            kinds: dict[str, list[str]] = {"toegevoegd": [], "verwijderd": [], "verplaatst": []}
            for section in change.sections:
                if section.kind in kinds:
                    kinds[section.kind].append(section.title)
                if section.moved:
                    kinds["verplaatst"].append(section.title)
            parts = [
                f"{kind}: " + ", ".join(_cell(t) for t in titles)
                for kind, titles in kinds.items()
                if titles
            ]
            if change.kind != "gewijzigd":
                parts.insert(0, f"plan {change.kind}")
            if change.old_path:
                parts.insert(0, f"plan hernoemd, was {_cell(change.old_path)}")
            status = ""
            if change.status_changed:
                status = (
                    f"{_cell(statuses.get(change.old_status, change.old_status) or 'geen')} → "
                    f"{_cell(statuses.get(change.new_status, change.new_status) or 'geen')}"
                )
            lines.append(
                f"| {_cell(change.title)} | {change.inserted} | {change.deleted} | "
                f"{'; '.join(parts) or '–'} | {status or '–'} |"
            )
        lines.append("")
    else:
        lines += ["In de plannen is niets veranderd.", ""]
    top = docs_rel.strip("/") + "/" if docs_rel.strip("/") else ""
    for what, paths in (("toegevoegd", proposal.added), ("verwijderd", proposal.removed)):
        if paths:
            shown_paths = ", ".join(f"`{_code(top + p)}`" for p in paths[:20])
            more = f" en {len(paths) - 20} meer" if len(paths) > 20 else ""
            lines += [f"**Pagina's {what}:** {shown_paths}{more}", ""]
    where = (
        f"`{FOLDER}/voorstel/index.html` en `downloads/{FOLDER}/koppelkansen-{FOLDER}-voorstel.pdf`"
    )
    if artifact_url == "":
        lines.append(
            "Er is geen artefact met de site: de build is mislukt of overgeslagen. De meldingen "
            "staan bij de regels in het voorstel en in het log."
        )
    elif (
        artifact_url
        and artifact_url.startswith("https://")
        and not re.search(r"[\s<>()\[\]]", artifact_url)
    ):
        lines.append(
            f"De wijzigingspagina en haar PDF staan in het [artefact met de site]({artifact_url}): "
            f"{where}."
        )
    elif artifact_url:
        lines.append(f"De wijzigingspagina en haar PDF staan in het artefact met de site: {where}.")
    else:
        lines.append(f"De wijzigingspagina en haar PDF staan in de gebouwde site: {where}.")
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return shown(text).replace("`", "'")
