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
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koppelkansen import problems
from koppelkansen.check.frontmatter import nearest
from koppelkansen.gitcommand import run_git
from koppelkansen.pages.dates import dutch_date
from koppelkansen.pages.gitdates import iso_date
from koppelkansen.pages.loader import DEFAULTS_FILE, Applies, load_texts
from koppelkansen.pages.model import KEY_LABELS, Page, front_matter_keys
from koppelkansen.pages.vocabulary import Labels
from koppelkansen.versions.changepages import FOLDER, ChangeView, md_text, render, render_blocks
from koppelkansen.versions.diff import PlanChange, compare, plan_diff
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
#: The branches the site is published from: a proposal against one of them is compared with
#: "de gepubliceerde plannen".
PUBLISHED_BRANCHES = frozenset(
    f"{remote}{name}"
    for remote in ("", "origin/", "refs/heads/", "refs/remotes/origin/")
    for name in ("main", "master")
)
#: The front-matter keys of the schema that the site does not show as a value of the page: its
#: type (a page is listed under it), ``updated`` (a date for pages without git history, shown as
#: the page's last change) and the maintainers' theme settings. Every other key of the schema is
#: shown by the overviews, lists or PDFs (docs-dev/versions.md): a change in one of them is a
#: change the reader sees, also on a page whose text is unchanged.
NOT_SHOWN = frozenset({"type", "updated", "template", "hide", "icon", "search"})


def shown_keys(schema: dict[str, Any]) -> tuple[str, ...]:
    """The keys whose changed value a proposal names, in the order a page writes them."""
    return tuple(key for key in front_matter_keys(schema) if key not in NOT_SHOWN)


#: A page at a new path with another title is the same page moved when its text is the same
#: and at least this long (two new sessions both holding the template's text are not a move).
MOVED_WORDS = 20
_MAX_REF = 200


class ProposalError(Exception):
    """The ref cannot be compared with; the message says why and what to do, in Dutch."""


def shown(text: str) -> str:
    """A value for a message: :func:`koppelkansen.problems.shown`, at most 80 characters."""
    return problems.shown(text, 80)


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
        """The base in words, as a reader says it: "de gepubliceerde plannen" for the published
        branch, a version's name for a version tag, "de stand van <datum>" for a commit, and a
        branch by its name; never a commit hash."""
        if self.name.lower() in PUBLISHED_BRANCHES or self.ref.lower() in PUBLISHED_BRANCHES:
            return "de gepubliceerde plannen"
        if self.ref.startswith(TAG_PREFIX) and self.name.startswith("versie "):
            return self.name
        commit_like = self.name.upper().startswith("HEAD") or (
            len(self.name) >= 4 and self.commit.startswith(self.name.lower())
        )
        if commit_like:  # a commit id, HEAD, HEAD~2
            return (
                f"de stand van {dutch_date(iso_date(self.epoch))}"
                if self.epoch
                else ("een eerdere stand van de plannen")
            )
        return f"de plannen in '{self.name}'"

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
        return (
            f"Wijzigingen in dit voorstel ten opzichte van {self.base.label if self.base else ''}"
        )

    @property
    def intro(self) -> str:
        base = self.base
        assert base is not None
        day = f", {dutch_date(iso_date(base.epoch))}" if base.epoch else ""
        return (
            f"Wat dit voorstel verandert ten opzichte van {md_text(base.label)}{md_text(day)}. "
            "Per plan staan de hoofdstukken waarin iets is veranderd; onder *Andere pagina's* "
            "elke andere pagina die het voorstel toevoegt, verwijdert, verplaatst of wijzigt. "
            "De links gaan naar de pagina's zoals ze na het samenvoegen worden."
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
    #: Every other page the proposal changes (sessions, lessons, rounds, case pages, ...).
    others: list[PageChange] = field(default_factory=list)


@dataclass
class PageChange:
    """A page that is not a plan, as the review shows it: what happened to it, which shown
    front-matter values changed (label, before, after) and its text's changes by section."""

    path: str
    title: str
    type: str
    #: "toegevoegd", "verwijderd", "verplaatst", "gewijzigd"
    kind: str
    #: The old path of a moved page.
    moved_from: str = ""
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    text: PlanChange | None = None


def _value(value: object) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def _fields(
    old: Page | None, new: Page | None, shown: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    before = old.meta if old is not None else {}
    after = new.meta if new is not None else {}
    return [
        (KEY_LABELS.get(key, key).lower(), _value(before.get(key)), _value(after.get(key)))
        for key in shown
        if before.get(key) != after.get(key)
    ]


def other_changes(
    old: dict[str, Page], new: dict[str, Page], plan_types: list[str], shown: tuple[str, ...]
) -> list[PageChange]:
    """Every page of another type than ``plan_types`` that the proposal adds, removes, moves (the
    same text at another path) or changes (its text or a value the site shows: ``shown``,
    :func:`shown_keys`)."""
    old = {p: page for p, page in old.items() if page.type not in plan_types}
    new = {p: page for p, page in new.items() if page.type not in plan_types}
    added = [p for p in sorted(new) if p not in old]
    removed = [p for p in sorted(old) if p not in new]
    moved: dict[str, str] = {}
    for path in added:
        twin = next(
            (
                r
                for r in removed
                if r not in moved.values()
                and old[r].type == new[path].type
                and (
                    old[r].title == new[path].title
                    # the same text under a new title: only a text of its own, not a template's
                    or (old[r].body == new[path].body and len(old[r].body.split()) >= MOVED_WORDS)
                )
            ),
            None,
        )
        if twin is not None:
            moved[path] = twin
    changes: list[PageChange] = []
    for path in sorted(new):
        page = new[path]
        before = old.get(path) or (old[moved[path]] if path in moved else None)
        if before is None:
            changes.append(PageChange(path, page.label, page.type, "toegevoegd"))
            continue
        text = plan_diff(before, page) if before.body != page.body else None
        fields = _fields(before, page, shown)
        if path in moved:
            changes.append(
                PageChange(path, page.label, page.type, "verplaatst", moved[path], fields, text)
            )
        elif fields or text is not None:
            changes.append(PageChange(path, page.label, page.type, "gewijzigd", "", fields, text))
    for path in removed:
        if path not in moved.values():
            page = old[path]
            changes.append(PageChange(path, page.label, page.type, "verwijderd"))
    return changes


def other_pages_markdown(
    changes: list[PageChange], current: set[str], statuses: dict[str, str], types: Labels
) -> list[str]:
    """The section *Andere pagina's* of the change page: per page what happened, the values that
    changed and the changed paragraphs of its text."""
    if not changes:
        return []
    here = posixpath.dirname(SRC_URI)
    lines = ["## Andere pagina's", ""]
    for change in changes:
        kind = types[change.type] if change.type else types["pagina"]
        title = md_text(change.title)
        heading = (
            f"[{title}]({posixpath.relpath(change.path, here)})"
            if change.path in current and change.kind != "verwijderd"
            else title
        )
        lines += [f"### {md_text(kind)}: {heading}", ""]
        facts = {
            "toegevoegd": f"Nieuw: `{_code(change.path)}`.",
            "verwijderd": f"Verwijderd: `{_code(change.path)}`.",
            "verplaatst": f"Verplaatst van `{_code(change.moved_from)}` naar `{_code(change.path)}`.",
            "gewijzigd": f"Gewijzigd: `{_code(change.path)}`.",
        }
        lines += [facts[change.kind], ""]
        for label, before, after in change.fields:
            if label == "status":
                before, after = statuses.get(before, before), statuses.get(after, after)
            lines.append(f"- {md_text(label)}: {md_text(before)} → {md_text(after)}")
        if change.fields:
            lines.append("")
        text = change.text
        if text is not None and (text.inserted or text.deleted):
            lines += [
                f"In de tekst {text.inserted} {'woord' if text.inserted == 1 else 'woorden'} "
                f"ingevoegd, {text.deleted} {'woord' if text.deleted == 1 else 'woorden'} "
                "verwijderd.",
                "",
            ]
            for section in text.sections:
                lines += [f"#### {md_text(section.title)}", ""]
                lines += render_blocks(section.blocks)
    return lines


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
    shown: tuple[str, ...],
) -> Proposal:
    """What the working tree changes against ``base``: the plans, and the pages added or removed
    (``shown``: the keys whose changed value is named, :func:`shown_keys`)."""
    old = base_pages(repo, base, prefix, docs_dir.resolve(), working, applies)
    view = ProposalView(base.version(), None, base)
    return Proposal(
        base=base,
        view=view,
        changes=compare(old, working, types),
        added=sorted(set(working) - set(old)),
        removed=sorted(set(old) - set(working)),
        others=other_changes(old, working, types, shown),
    )


def page_markdown(
    proposal: Proposal,
    current: set[str],
    statuses: Labels,
    types: Labels,
    pdf_name: Callable[[str], str] | None,
) -> str:
    """The change page's Markdown: the version change pages' legend, blocks and cues."""
    pdf = f"../../downloads/{FOLDER}/{pdf_name(SRC_URI)}.pdf" if pdf_name else ""
    page = render(proposal.view, proposal.changes, current, statuses, pdf)
    others = other_pages_markdown(proposal.others, current, statuses, types)
    return page.rstrip("\n") + "\n\n" + "\n".join(others) + "\n" if others else page


# -- the summary of a pull request ------------------------------------------------------------


_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def _cell(text: str) -> str:
    """Untrusted text in a table cell of GitHub's Markdown: one line, and every ASCII punctuation
    character backslash-escaped (CommonMark allows it for each), so that no ``~~``, ``|``, ``<``,
    ``&``, ``[``, ``*`` or ``$`` in a title is read as markup, a column, HTML or math."""
    return _ASCII_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def summary(
    proposal: Proposal,
    statuses: Labels,
    types: Labels,
    docs_rel: str,
    artifact_url: str | None = None,
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
                    f"{_cell(statuses[change.old_status] or 'geen')} → "
                    f"{_cell(statuses[change.new_status] or 'geen')}"
                )
            lines.append(
                f"| {_cell(change.title)} | {change.inserted} | {change.deleted} | "
                f"{'; '.join(parts) or '–'} | {status or '–'} |"
            )
        lines.append("")
    else:
        lines += ["In de plannen is niets veranderd.", ""]
    if proposal.others:
        lines += [
            "### Andere pagina's",
            "",
            "| pagina | soort | wat | waarden |",
            "|---|---|---|---|",
        ]
        for other in proposal.others:
            what = other.kind
            if other.kind == "verplaatst":
                what = f"verplaatst van {_cell(other.moved_from)}"
            if other.text is not None and (other.text.inserted or other.text.deleted):
                what += f", +{other.text.inserted}/−{other.text.deleted} woorden"
            values = "; ".join(
                f"{_cell(label)}: {_cell(statuses.get(a, a) if label == 'status' else a)} → "
                f"{_cell(statuses.get(b, b) if label == 'status' else b)}"
                for label, a, b in other.fields
            )
            lines.append(
                f"| {_cell(other.title)} | {_cell(types[other.type or 'pagina'])} | "
                f"{what} | {values or '–'} |"
            )
        lines.append("")
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
