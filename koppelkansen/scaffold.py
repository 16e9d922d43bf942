"""``koppelkansen nieuw``: a new page from the template for its type, with valid front matter.

The templates live in ``koppelkansen/templates/pages/<type>.md`` and fix each type's Dutch section
headings. The command checks its arguments against ``vocabulary.yml`` before writing, refuses to
overwrite a file or to make a second page for the same case area, plan, round or programme, and
runs the front-matter check on the result.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from koppelkansen.check.frontmatter import check_added_page, check_docs
from koppelkansen.pages.dates import is_date
from koppelkansen.pages.model import Corpus
from koppelkansen.problems import Problem
from koppelkansen.templating import markdown_text

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

TEMPLATES = Path(__file__).parent / "templates" / "pages"


class ScaffoldError(Exception):
    """A wrong argument, explained in Dutch."""


@dataclass
class Request:
    type: str
    title: str
    case: str | None = None
    round: str | None = None
    date: str | None = None
    kind: str | None = None
    folder: str | None = None
    themes: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)


#: Longest file name (without ``.md``) made from a title; longer titles are cut at a word break.
MAX_SLUG = 60


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[1:] else cut[:limit]).strip("-")
    return slug


def _inline_markdown(text: str) -> str:
    """``text`` as the content of a Markdown heading: shown as written, never as markup."""
    return str(markdown_text(text))


def _folder(value: str) -> Path:
    """``--map`` as a relative path that stays inside the docs folder."""
    parts = Path(value.replace("\\", "/")).parts
    if (
        not value.strip()
        or Path(value).is_absolute()
        or value.startswith(("/", "~"))
        or any(part in ("..", ".") or part.startswith(".") for part in parts)
        or any(ord(ch) < 32 for ch in value)
    ):
        raise ScaffoldError(
            f"--map '{value}' ligt niet binnen docs/; geef een map onder docs/ zonder '..', "
            "zonder '/' vooraan en zonder map die met een punt begint, bijvoorbeeld --map sessies"
        )
    return Path(*parts)


def _one_of(value: str | None, allowed: list[str], option: str, what: str) -> str:
    if not value:
        raise ScaffoldError(f"geef {option}; {what} Toegestaan: {', '.join(allowed)}")
    if value not in allowed:
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
        hint = f" Bedoel je '{close[0]}'?" if close else ""
        raise ScaffoldError(
            f"{option} '{value}' is niet toegestaan.{hint} Toegestaan: {', '.join(allowed)}"
        )
    return value


#: The editor's front-matter style (``editor/static/frontmatter.js``: the same rules, tested
#: equal in ``tests/test_editor_format.py``), so that a page made here is saved unchanged by the
#: editor: text bare where YAML 1.1 and 1.2 both read it back as the same text, else quoted.
_RESERVED = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|<<|=)$"
)
_NUMBER = re.compile(
    r"^[-+]?(0[bB][0-9a-fA-F_]*|0[oO][0-7_]*|0[xX][0-9a-fA-F_]*"
    r"|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?"
    r"|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF|nan|NaN|NAN))$"
)
_INDICATOR = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`<\s]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _plain(text: str, in_flow: bool) -> bool:
    """Whether ``text`` may be written without quotes (``plain`` in frontmatter.js)."""
    if text == "" or _INDICATOR.match(text) or text[-1].isspace():
        return False
    if _RESERVED.match(text) or _NUMBER.match(text) or _UNPRINTABLE.search(text):
        return False
    if re.search(r": |:$| #", text):
        return False
    return not (in_flow and re.search(r"[,\[\]{}]", text))


def _double_quoted(text: str) -> str:
    """``text`` in double quotes (``quote`` in frontmatter.js): \\ and " escaped, a line break and
    a tab as \\n and \\t, every other unprintable character as \\uXXXX."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\\uFFFD")
        elif _UNPRINTABLE.match(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _quote(value: object, in_flow: bool = False) -> str:
    """A YAML value as the editor writes it: a list on one line, a number as it is, text bare
    where that reads back as the same text, else in double quotes."""
    if isinstance(value, list):
        return "[" + ", ".join(_quote(v, True) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return text if _plain(text, in_flow) else _double_quoted(text)


def _date(value: str | None, option: str = "--datum") -> str:
    if not value:
        raise ScaffoldError(
            f"geef {option} als JJJJ-MM-DD (of JJJJ-MM, JJJJ als de dag niet bekend is), "
            "bijvoorbeeld --datum 2019-03-12"
        )
    if not is_date(value):
        raise ScaffoldError(
            f"{option} '{value}' is geen bestaande datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2019-03-12"
        )
    return value


def draft_page(corpus: Corpus, request: Request) -> tuple[Path, list[tuple[str, str]]]:
    """Where the page goes (below the docs folder) and its type-specific front matter."""
    vocab = corpus.vocabulary
    kind = _one_of(
        request.type, list(vocab.types), "het paginatype", "het type komt direct na 'nieuw'."
    )
    if not request.title or not request.title.strip():
        raise ScaffoldError(
            'geef een titel met --titel "...", bijvoorbeeld --titel "Ontwerpatelier Haven-Stad"'
        )
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in request.title):
        raise ScaffoldError(
            "de titel bevat een regeleinde of een ander stuurteken; geef de titel op één regel"
        )
    slug = slugify(request.title)
    if not slug:
        raise ScaffoldError(
            f"de titel '{request.title}' bevat geen letters of cijfers; kies een titel met woorden"
        )
    cases = list(vocab.cases)
    rounds = list(vocab.rounds)
    refs = vocab.organisation_refs()
    for ref in request.organisations:
        _one_of(ref, refs, "--organisaties", "noem organisaties, gescheiden door komma's.")
    for theme in request.themes:
        _one_of(theme, list(vocab.themes), "--themas", "noem thema's, gescheiden door komma's.")

    case = (
        _one_of(request.case, cases, "--casus", "kies het casusgebied.")
        if request.case or kind in ("casus", "plan")
        else None
    )
    case_page = corpus.case_page(case) if case else None
    case_meta = case_page.meta if case_page else {}
    fields: list[tuple[str, str]] = []

    def claimed(identity: tuple[str, ...], what: str) -> None:
        existing = corpus.by_identity().get(identity)
        if existing is not None:
            raise ScaffoldError(
                f"{what} bestaat al: docs/{existing.src_uri}; pas die pagina aan in plaats van een nieuwe te maken"
            )

    if kind in ("sessie", "plan") and case and case_page is None:
        raise ScaffoldError(
            f"casusgebied '{case}' heeft nog geen casuspagina; maak die eerst met: "
            f'koppelkansen nieuw casus --casus {case} --titel "..."'
        )
    themes = request.themes or [t for t in vocab.themes if t in (case_meta.get("themes") or [])]
    organisations = request.organisations or [
        r for r in refs if r in (case_meta.get("organisations") or [])
    ]

    if kind == "casus":
        assert case is not None  # _one_of above requires it for a case page
        claimed(("casus", case), f"de casuspagina van '{case}'")
        path = Path("casussen", case, "index.md")
        fields += [
            ("case", case),
            ("themes", _quote(request.themes or list(vocab.themes))),
            ("organisations", _quote(request.organisations or list(vocab.organisations))),
        ]
    elif kind == "plan":
        assert case is not None  # _one_of above requires it for a plan
        claimed(("plan", case), f"het projectplan van '{case}'")
        path = Path("casussen", case, "projectplan.md")
        fields += [
            ("owners", _quote(organisations or list(vocab.organisations))),
            ("themes", _quote(themes or list(vocab.themes))),
        ]
        if request.round:
            fields.append(
                ("round", _one_of(request.round, rounds, "--ronde", "kies de leerronde."))
            )
    elif kind == "sessie":
        session_kind = _one_of(
            request.kind, list(vocab.session_kinds), "--soort", "kies de soort sessie."
        )
        round_key = _one_of(request.round, rounds, "--ronde", "kies de leerronde van de sessie.")
        date = _date(request.date)
        if case:
            path = Path("casussen", case, f"{slug}.md")
        else:
            path = Path(
                "directieoverleg" if session_kind == "directieoverleg" else "sessies", f"{slug}.md"
            )
        fields += [("kind", session_kind), ("date", _quote(date)), ("round", round_key)]
        if request.themes:
            fields.append(("themes", _quote(request.themes)))
        if organisations:
            fields.append(("organisations", _quote(organisations)))
    elif kind == "leerronde":
        round_key = _one_of(
            request.round,
            rounds,
            "--ronde",
            "kies de leerronde (nieuwe rondes eerst in vocabulary.yml).",
        )
        claimed(("leerronde", round_key), f"de pagina van leerronde '{round_key}'")
        path = Path("leerrondes", f"{round_key}.md")
        fields += [("round", round_key), ("period", "\n  start: " + _quote(_date(request.date)))]
    elif kind == "les":
        round_key = _one_of(
            request.round, rounds, "--ronde", "kies de leerronde waar de les uit komt."
        )
        path = Path("lessen", f"{slug}.md")
        fields.append(("round", round_key))
        if case:
            fields.append(("cases", _quote([case])))
    elif kind == "programma":
        claimed(("programma",), "het overkoepelende plan")
        path = Path("programma.md")
        fields.append(("owners", _quote(request.organisations or list(vocab.organisations))))
    else:
        path = Path(f"{slug}.md")
    if request.folder and kind not in ("casus", "plan", "leerronde", "programma"):
        path = _folder(request.folder) / path.name
    if case and kind in ("sessie", "plan"):
        fields.insert(
            0, ("case", case)
        )  # explicit, even where the folder's .meta.yml states it too
    return path, fields


def render_page(request: Request, fields: list[tuple[str, str]]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(f"{request.type}.md").render(
        title=_quote(request.title.strip()),
        heading=_inline_markdown(request.title.strip()),
        type=request.type,
        fields=fields,
    )


def new_page(docs_dir: Path, request: Request) -> tuple[Path, list[Problem]]:
    """Write the page; returns its path and the check's problems for it (none when all is well)."""
    corpus, _problems, _ = check_docs(docs_dir)
    if corpus is None:
        raise ScaffoldError(
            "de toegestane waarden of het schema zijn niet te lezen; draai eerst 'make check'"
        )
    relative, fields = draft_page(corpus, request)
    target = docs_dir / relative
    exists = (
        f"docs/{relative.as_posix()} bestaat al; ik overschrijf niets. Kies een andere "
        "titel, of pas het bestaande bestand aan"
    )
    if target.exists() or target.is_symlink():
        raise ScaffoldError(exists)
    # The folder may already exist as a symlink; it must still lie inside docs/.
    docs_root = docs_dir.resolve()
    parent = docs_dir
    for part in relative.parent.parts:
        parent = parent / part
        if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
            raise ScaffoldError(
                f"docs/{parent.relative_to(docs_dir).as_posix()} is geen gewone map "
                "(een bestand of een snelkoppeling); kies met --map een andere map"
            )
    if not target.parent.resolve().is_relative_to(docs_root):
        raise ScaffoldError(f"docs/{relative.parent.as_posix()} ligt niet binnen docs/")
    text = render_page(request, fields)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as out:  # "x": never overwrite, never follow
            out.write(text)
    except FileExistsError:
        raise ScaffoldError(exists) from None
    except OSError as exc:
        raise ScaffoldError(
            f"docs/{relative.as_posix()} kan niet worden geschreven ({exc.strerror})"
        ) from None
    defaults = target.parent / ".meta.yml"
    if request.type == "casus":
        try:
            with defaults.open("x", encoding="utf-8") as out:
                out.write(
                    f"# Standaardwaarden voor elke pagina in deze map.\ncase: {request.case}\n"
                )
        except FileExistsError:
            pass
    return target, check_added_page(corpus, target)
