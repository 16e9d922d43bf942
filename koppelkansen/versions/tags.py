"""Versions of the plans: annotated git tags ``versie/<datum>`` whose message holds checked metadata.

Reading (one ``git for-each-ref``) and making (``git tag -a``) versions, and reading the Markdown
of a version's plans (one ``git ls-tree`` and one ``git cat-file --batch``). No MkDocs here.
Tag messages and the files of old commits are untrusted text: they are parsed, never run.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from koppelkansen.check.frontmatter import check_docs, nearest
from koppelkansen.gitcommand import git_argv, run_git
from koppelkansen.pages.dates import dutch_date, is_day
from koppelkansen.pages.loader import DEFAULTS_FILE, Applies, load_texts
from koppelkansen.pages.model import Page

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

TAG_PREFIX = "versie/"
#: A version's slug (the tag name after ``versie/``): also a folder name on the site.
_SLUG = re.compile(r"^[0-9a-z][0-9a-z-]{0,63}$")
#: ``2018-10-31`` or ``2018-10-31-2``: the tags `create_version` makes (the second of one day).
_SEQUENCE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-(\d{1,3}))?$")
_FIELDS = {"naam": "name", "datum": "date", "overleg": "meeting"}
_SEP = "\x1f"
_END = "\x1e"

MISSING_HISTORY = (
    "De versiegeschiedenis ontbreekt in deze kopie van de repository: ze is zonder tags of "
    "zonder volledige geschiedenis gemaakt (shallow clone). Haal alles op met "
    "'git fetch --tags --unshallow' (of 'git fetch --tags') en bouw opnieuw."
)


class VersionError(Exception):
    """A version cannot be made; the message says why in Dutch."""


@dataclass(frozen=True)
class Version:
    tag: str
    slug: str
    name: str
    #: ``JJJJ-MM-DD``
    date: str
    #: Meeting page without ``.md`` below docs (``directieoverleg/2018-10-31``), or "".
    meeting: str
    commit: str
    #: Commit time (Unix): the date inside the version's PDFs.
    epoch: int

    @property
    def date_label(self) -> str:
        return dutch_date(self.date) if self.date else "datum onbekend"

    @property
    def sequence(self) -> int:
        """Which version of its day: 1 for ``versie/2018-10-31``, 2 for ``versie/2018-10-31-2``."""
        found = _SEQUENCE.match(self.slug)
        return int(found.group(1) or 1) if found else 1

    @property
    def label(self) -> str:
        """The date, and for a second version of one day its number: ``31 oktober 2018, nr. 2``."""
        return self.date_label if self.sequence == 1 else f"{self.date_label}, nr. {self.sequence}"

    @property
    def edition(self) -> str:
        """What the cover of the version's PDFs says (``Versie 31 oktober 2018 – ...``)."""
        label = f"Versie {self.date_label}"
        return f"{label} – {self.name}" if self.name else label


@dataclass
class VersionList:
    #: Newest first.
    versions: list[Version] = field(default_factory=list)
    #: Dutch notice when the history is (or may be) incomplete; "" when it is whole.
    notice: str = ""
    #: Whether the repository is a shallow clone, when :func:`read_versions` asked git.
    shallow: bool | None = None

    def is_shallow(self, repo: Path) -> bool:
        """:func:`is_shallow`, without asking git again when the listing knows."""
        return self.shallow if self.shallow is not None else is_shallow(repo)


def parse_message(message: str) -> dict[str, str]:
    """``naam: ...``, ``datum: ...``, ``overleg: ...`` lines of a tag message (other lines ignored)."""
    found: dict[str, str] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in _FIELDS:
            found.setdefault(_FIELDS[key.strip().lower()], value.strip())
    return found


def format_message(name: str, day: str, meeting: str) -> str:
    lines = [f"Versie {dutch_date(day)}" + (f": {name}" if name else ""), ""]
    lines.append(f"naam: {name}")
    lines.append(f"datum: {day}")
    if meeting:
        lines.append(f"overleg: {meeting}")
    return "\n".join(lines) + "\n"


def is_shallow(repo: Path) -> bool:
    result = run_git(repo, "rev-parse", "--is-shallow-repository")
    return result.returncode == 0 and result.stdout.strip() == "true"


def read_versions(repo: Path) -> VersionList:
    """Every valid version tag, newest first, with a notice when the history is incomplete.

    Never raises: outside git, in a shallow clone or without tags the list is empty or partial and
    ``notice`` says so.
    """
    fmt = _SEP.join(
        [
            "%(refname:strip=1)",
            "%(objecttype)",
            "%(*objectname)",
            "%(*committerdate:unix)",
            "%(contents)",
        ]
    )
    try:
        result = run_git(repo, "for-each-ref", f"--format={fmt}{_END}", "refs/tags/versie/")
    except FileNotFoundError:
        return VersionList(notice=MISSING_HISTORY)
    if result.returncode != 0:
        return VersionList(notice=MISSING_HISTORY)
    shallow = is_shallow(repo)
    records = []
    skipped = 0
    for record in result.stdout.split(_END):
        parts = record.strip("\n").split(_SEP)
        if len(parts) != 5:
            continue
        ref, kind, commit, epoch, message = parts
        tag = ref.removeprefix("tags/")
        slug = tag.removeprefix(TAG_PREFIX)
        if kind != "tag" or not _SLUG.match(slug) or not epoch.strip().isdigit():
            log.info(
                "Tag %s is geen geldige versie (geen annotated tag met metadata); overgeslagen", tag
            )
            skipped += 1
            continue
        records.append((tag, slug, commit, int(epoch), parse_message(message)))
    present = _commits_present(repo, [commit for _, _, commit, _, _ in records])
    versions: list[Version] = []
    for tag, slug, commit, epoch_value, meta in records:
        if commit not in present:
            skipped += 1  # a shallow clone: the tagged commit is not here
            continue
        day = meta.get("date", "")
        versions.append(
            Version(
                tag=tag,
                slug=slug,
                name=meta.get("name", "")[:200],
                date=day if is_day(day) else slug[:10] if is_day(slug[:10]) else "",
                meeting=meta.get("meeting", "") if _meeting_ok(meta.get("meeting", "")) else "",
                commit=commit,
                epoch=epoch_value,
            )
        )
    versions.sort(key=lambda v: (v.date, v.sequence, v.epoch, v.slug), reverse=True)
    notice = ""
    if shallow or skipped or not versions:
        notice = MISSING_HISTORY if shallow or skipped else _NO_VERSIONS
    return VersionList(versions=versions, notice=notice, shallow=shallow)


_OBJECT_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


def _commits_present(repo: Path, commits: list[str]) -> set[str]:
    """Which of ``commits`` this clone has: one ``git cat-file --batch-check`` for all of them."""
    wanted = [c for c in dict.fromkeys(commits) if _OBJECT_ID.match(c)]
    if not wanted:
        return set()
    result = run_git(
        repo,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        input_text="".join(f"{c}^{{commit}}\n" for c in wanted),
    )
    if result.returncode != 0:
        return set()
    # One answer line per question, in order: "<commit id> commit" when it peels to a commit
    # (as ``git cat-file -e <id>^{commit}`` would succeed), else "<question> missing".
    answers = result.stdout.splitlines()
    return {
        commit
        for commit, answer in zip(wanted, answers, strict=False)
        if answer.split(" ")[-1] == "commit"
    }


_NO_VERSIONS = (
    "Er zijn (nog) geen versies gevonden. Is deze kopie zonder tags gemaakt, haal ze dan op met "
    "'git fetch --tags' en bouw opnieuw; een versie maak je met 'make versie'."
)


def _meeting_ok(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-z][0-9a-z/_-]{0,200}", value)) and ".." not in value


# -- making a version ----------------------------------------------------------------------------


def create_version(
    repo: Path, docs_dir: Path, name: str, day: str, meeting: str, today: date | None = None
) -> Version:
    """Check the metadata and tag HEAD as ``versie/<day>`` (``versie/<day>-2`` for a second version
    of that day, see :func:`free_tag`); raises VersionError with every problem."""
    problems: list[str] = []
    today = today or date.today()
    name = name.strip()
    meeting = meeting.strip().removesuffix(".md").strip("/")
    if not name:
        problems.append(
            'NAAM ontbreekt: geef de versie een naam, bijvoorbeeld NAAM="gepresenteerd aan de directies".'
        )
    elif "\n" in name or len(name) > 120:
        problems.append("NAAM moet één regel van hoogstens 120 tekens zijn.")
    if not is_day(day):
        problems.append(
            f"DATUM '{day}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2018-10-31."
        )
    elif date.fromisoformat(day) > today:
        problems.append(
            f"DATUM {day} ligt in de toekomst (vandaag is het {today.isoformat()}); "
            "een versie legt vast wat er nu is."
        )
    if meeting:
        problem = meeting_problem(docs_dir, meeting)
        if problem:
            problems.append(problem)
    status = run_git(repo, "status", "--porcelain")
    if status.returncode != 0:
        raise VersionError("Dit is geen git-repository: een versie is een git-tag.")
    if status.stdout.strip():
        changed = [line[3:] for line in status.stdout.splitlines()][:5]
        problems.append(
            "Er zijn wijzigingen die nog niet gecommit zijn ("
            + ", ".join(changed)
            + "). Commit ze eerst (of zet ze opzij met 'git stash'): een versie legt een commit vast."
        )
    existing = read_versions(repo).versions
    used = [v for v in existing if name and v.name.lower() == name.lower()]
    if used:
        problems.append(
            f"De naam '{name}' is al gebruikt voor de versie van {used[0].date_label} "
            f"(tag {used[0].tag}); kies een andere NAAM."
        )
    if problems:
        raise VersionError("\n".join(problems))
    tag = free_tag(repo, day)
    result = run_git(
        repo, "tag", "-a", tag, "-F", "-", input_text=format_message(name, day, meeting)
    )
    if result.returncode != 0:
        raise VersionError(f"git tag is mislukt: {result.stderr.strip()}")
    made = [v for v in read_versions(repo).versions if v.tag == tag]
    if not made:
        raise VersionError(f"De tag {tag} is gemaakt maar niet als versie te lezen.")
    return made[0]


#: What OVERLEG must name: the page of a meeting of the directors.
MEETING_TYPE = "sessie"
MEETING_KIND = "directieoverleg"


def meeting_problem(docs_dir: Path, meeting: str) -> str:
    """Why ``meeting`` (a page below docs without ``.md``) is no meeting a version can name, in
    Dutch, with the meeting pages that exist, nearest first; "" when it is one.

    The pages are read and checked as the build reads them (:func:`check_docs`), folder defaults
    included, so a page counts as a meeting exactly when the site shows it as one.
    """
    corpus, _, _ = check_docs(docs_dir)
    if corpus is None:
        return (
            f"OVERLEG '{meeting}' is niet te controleren: de woordenlijst of het schema in "
            "docs/schema/ is niet te gebruiken. Draai 'make check' en los de meldingen op."
        )
    pages = {record.src_uri.removesuffix(".md"): record for record in corpus.records()}
    meetings = sorted(
        uri
        for uri, page in pages.items()
        if page.type == MEETING_TYPE and page.kind == MEETING_KIND
    )
    if meeting in meetings and _meeting_ok(meeting):
        return ""
    page = pages.get(meeting)
    if page is None:
        why = f"er is geen pagina docs/{meeting}.md"
    elif page.type != MEETING_TYPE:
        why = f"docs/{meeting}.md is een pagina van type '{page.type}', geen overleg"
    else:
        why = (
            f"docs/{meeting}.md is een sessie van soort '{page.kind}', geen {MEETING_KIND}"
            if page.kind
            else f"docs/{meeting}.md is een sessie zonder soort (kind), geen {MEETING_KIND}"
        )
    rule = (
        f"een versie noemt de pagina van een {MEETING_KIND} "
        f"(front matter 'type: {MEETING_TYPE}' en 'kind: {MEETING_KIND}')"
    )
    if not meetings:
        return (
            f"OVERLEG '{meeting}': {why}; {rule}, en die zijn er nog niet. Maak er een met "
            f"'make new TYPE=sessie SOORT={MEETING_KIND} ...' of laat OVERLEG weg."
        )
    order = nearest(meeting, meetings, n=len(meetings), cutoff=0)
    close = nearest(meeting, meetings)
    hint = f" Bedoel je '{close[0]}'?" if close else ""
    return f"OVERLEG '{meeting}': {why}; {rule}.{hint} Bekende overleggen: {', '.join(order)}."


def free_tag(repo: Path, day: str) -> str:
    """``versie/<day>``, or for a second (third, ...) version of that day ``versie/<day>-2`` (-3, ...).

    Any tag of that name counts as taken, also one that is not a valid version.
    """
    for number in range(1, 1000):
        tag = TAG_PREFIX + day + (f"-{number}" if number > 1 else "")
        if run_git(repo, "rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode != 0:
            return tag
    raise VersionError(f"Er zijn al 999 versies van {day}; kies een andere DATUM.")


# -- the plans of a version ----------------------------------------------------------------------


def read_tree(
    repo: Path, commit: str, docs_rel: str, applies: Applies | None = None
) -> dict[str, Page]:
    """Every Markdown page below ``docs_rel`` at ``commit``, by path relative to docs.

    The pages and the folder defaults (``.meta.yml``) of that commit go through the loader
    (:func:`koppelkansen.pages.loader.load_texts`), so a status or type set for a folder counts in an old
    version exactly as in the build. ``applies``: which defaults fit which page type (the check's).
    """
    prefix = docs_rel.strip("/") + "/" if docs_rel.strip("/") else ""
    listing = run_git(repo, "ls-tree", "-r", "-z", "--name-only", commit, "--", prefix or ".")
    if listing.returncode != 0:
        return {}
    names = [
        n
        for n in listing.stdout.split("\0")
        if n.endswith(".md") or n.rsplit("/", 1)[-1] == DEFAULTS_FILE
    ]
    if not names:
        return {}
    texts = {name[len(prefix) :]: text for name, text in read_blobs(repo, commit, names).items()}
    pages = load_texts(texts, applies) if applies else load_texts(texts)
    return {uri: Page.of_version(uri, page.meta, page.body) for uri, page in pages.items()}


def read_blobs(repo: Path, commit: str, names: list[str]) -> dict[str, str]:
    """The text of each file ``names`` (paths in the repository) at ``commit``: one
    ``git cat-file --batch``; a name that is no file there is left out."""
    if not names:
        return {}
    batch = subprocess.run(
        git_argv("cat-file", "--batch"),
        cwd=repo,
        input="".join(f"{commit}:{n}\n" for n in names).encode(),
        capture_output=True,
        check=False,
    )
    texts: dict[str, str] = {}
    data = batch.stdout
    pos = 0
    for name in names:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        texts[name] = data[pos : pos + size].decode("utf-8", errors="replace")
        pos += size + 1
    return texts


def docs_prefix(repo: Path, docs_dir: Path) -> str:
    """Path of ``docs_dir`` inside the repository whose top folder is ``repo`` (what
    :func:`repo_root` gives), for :func:`read_tree`."""
    return docs_dir.resolve().relative_to(repo.resolve()).as_posix()


def repo_root(path: Path) -> Path | None:
    try:
        top = run_git(path, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return None
    return Path(top.stdout.strip()).resolve() if top.returncode == 0 else None
