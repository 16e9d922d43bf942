"""Command line: ``koppelkansen check|schema|build|nieuw|versie``; messages in Dutch."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NoReturn

from koppelkansen.build import ENGINES, build_site

# Each command imports what it needs when it runs: `koppelkansen build` (make site) only starts
# the engine and swaps the folders, and must not pay for the schema, jsonschema and the scaffold
# (0.3 s of imports) in a process that does not use them.


class _DutchParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own messages are English
        self.print_usage(sys.stderr)
        self.exit(
            2, f"{self.prog}: fout: {message}\nZie '{self.prog} --help' voor de mogelijkheden.\n"
        )


def _docs_exists(docs: Path, hint: str) -> bool:
    """Whether the docs folder exists; if not, says so in Dutch with ``hint``."""
    if docs.is_dir():
        return True
    print(f"{docs}: fout: deze map bestaat niet; {hint}", file=sys.stderr)
    return False


def cmd_check(args: argparse.Namespace) -> int:
    from koppelkansen.check.content import docs_file_problems
    from koppelkansen.check.frontmatter import check_docs
    from koppelkansen.pages.activefiles import active_files
    from koppelkansen.problems import summary

    docs = Path(args.docs_dir)
    if not _docs_exists(docs, "geef de map met de pagina's (meestal docs)"):
        return 2
    _, problems, checked = check_docs(docs)
    active = active_files(docs)  # no HTML/XML document in docs/
    files = docs_file_problems(docs, {p.path for p in active})  # images, SVGs, style sheets
    problems = sorted(set(problems) | set(active) | set(files))
    for problem in problems:
        print(problem.format_github() if args.format == "github" else problem.format())
    print(summary(problems, checked), file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from koppelkansen.check.frontmatter import SCHEMA_DIR, SCHEMA_FILE, VOCABULARY_FILE
    from koppelkansen.check.schema import dump_schema, load_schema
    from koppelkansen.pages.vocabulary import load_vocabulary

    schema_dir = Path(args.docs_dir) / SCHEMA_DIR
    vocabulary, problems = load_vocabulary(schema_dir / VOCABULARY_FILE)
    target = schema_dir / SCHEMA_FILE
    # The same reading as the check: a missing or unusable schema is explained, not rewritten.
    schema, drift = load_schema(target, vocabulary) if vocabulary is not None else (None, [])
    if schema is None:
        for problem in [*problems, *drift]:
            print(problem.format(), file=sys.stderr)
        return 1
    if not drift:
        print(f"{target} is bij.")
        return 0
    target.write_text(dump_schema(schema), encoding="utf-8")
    print(f"{target} bijgewerkt met de waarden uit {VOCABULARY_FILE}.")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from koppelkansen.adapter.engine import build_here
    from koppelkansen.problems import ANNOTATIONS_ENV

    # This process exists for this one build: the engine runs in it (no second interpreter).
    with _told({ANNOTATIONS_ENV: args.annotations} if args.annotations else {}):
        return build_site(
            Path(args.config_file),
            Path(args.site_dir),
            engine=args.engine,
            in_process=build_here,
            force=args.force,
        )


@contextlib.contextmanager
def _told(variables: dict[str, str]) -> Iterator[None]:
    """What this command tells the build it starts, as the build reads it (once, at its start:
    ``pipeline.BuildEnvironment``), for that build only: the variables are restored afterwards,
    so a caller that runs several commands in one process (the tests, a server) does not carry one
    command's proposal into the next build."""
    old = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def cmd_new(args: argparse.Namespace) -> int:
    from koppelkansen.scaffold import Request, ScaffoldError, new_page

    docs = Path(args.docs)
    if not _docs_exists(docs, "geef met --docs de map met de pagina's (meestal docs)"):
        return 2
    request = Request(
        type=args.type or "",
        title=args.titel or "",
        case=args.casus,
        round=args.ronde,
        date=args.datum,
        kind=args.soort,
        folder=args.map,
        themes=_list(args.themas),
        organisations=_list(args.organisaties),
    )
    try:
        target, problems = new_page(docs, request)
    except ScaffoldError as exc:
        print(f"koppelkansen nieuw: fout: {exc}", file=sys.stderr)
        return 2
    shown = target.relative_to(docs.parent) if docs.parent != Path() else target
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if problems:
        print(
            f"{shown} is geschreven, maar de controle vond fouten (hierboven); los ze op.",
            file=sys.stderr,
        )
        return 1
    print(f"Nieuwe pagina: {shown}\nVul de kopjes in en bekijk het resultaat met 'make serve'.")
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    from koppelkansen.versions.tags import VersionError, create_version, repo_root

    docs = Path(args.docs)
    repo = repo_root(docs) if docs.is_dir() else None
    if repo is None:
        print(
            f"koppelkansen versie: fout: {docs} is geen map in een git-repository; "
            "een versie is een git-tag.",
            file=sys.stderr,
        )
        return 2
    day = args.datum or date.today().isoformat()
    try:
        version = create_version(repo, docs, args.naam or "", day, args.overleg or "")
    except VersionError as exc:
        print("koppelkansen versie: de versie is niet gemaakt:", file=sys.stderr)
        for line in str(exc).splitlines():
            print(f"  - {line}", file=sys.stderr)
        return 1
    print(
        f"Versie gemaakt: {version.edition} (tag {version.tag}, commit {version.commit[:12]}).\n"
        f"Publiceer haar met 'git push origin {version.tag}'; 'make site' maakt haar PDF's."
    )
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """``make wijzigingen SINDS=<ref>``: the change page and PDF of the working tree against a ref."""
    from koppelkansen.adapter.engine import build_here
    from koppelkansen.check.frontmatter import check_docs, defaults_filter
    from koppelkansen.problems import ANNOTATIONS_ENV
    from koppelkansen.versions.proposal import (
        SINCE_ENV,
        SINCE_NAME_ENV,
        SRC_URI,
        ProposalError,
        compute,
        resolve,
        shown_keys,
        summary,
    )
    from koppelkansen.versions.tags import docs_prefix, repo_root
    from koppelkansen.versions.versionsite import change_pdf_name

    me = "koppelkansen wijzigingen"
    docs = Path(args.docs)
    repo = repo_root(docs) if docs.is_dir() else None
    if repo is None:
        print(f"{me}: fout: {docs} is geen map in een git-repository.", file=sys.stderr)
        return 2
    try:
        base = resolve(repo, args.sinds or "", args.naam or "")
    except ProposalError as exc:
        print(f"{me}: fout: {exc}", file=sys.stderr)
        return 2
    corpus, problems, _ = check_docs(docs)
    if corpus is None or (problems and not args.alleen_samenvatting):
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"{me}: los eerst de fouten hierboven op ('make check').", file=sys.stderr)
        return 1
    prefix = docs_prefix(repo, docs)
    types = _bundle_types(Path(args.config_file))
    applies, shown = defaults_filter(corpus.schema), shown_keys(corpus.schema)
    proposal = compute(repo, base, prefix, docs, corpus.pages, types, applies, shown)
    statuses = corpus.vocabulary.status_labels()
    if args.samenvatting:
        with open(args.samenvatting, "a", encoding="utf-8") as out:
            out.write(
                summary(proposal, statuses, corpus.vocabulary.type_labels(), prefix, args.artefact)
            )
    if args.alleen_samenvatting:
        return 0
    if not proposal.changes and not proposal.others and not args.altijd:
        print(
            f"Geen wijzigingen: er is niets veranderd ten opzichte van {base.label}. Er is geen "
            "wijzigingspagina gemaakt."
        )
        return 0
    told = {SINCE_ENV: base.commit, SINCE_NAME_ENV: base.name}
    if args.annotations:
        told[ANNOTATIONS_ENV] = args.annotations
    site = Path(args.site_dir)
    with _told(told):
        code = build_site(Path(args.config_file), site, in_process=build_here)
    if code != 0:
        return code
    page = site / SRC_URI.removesuffix(".md") / "index.html"
    pdf = site / "downloads" / "wijzigingen" / f"{change_pdf_name(SRC_URI)}.pdf"
    count, others = len(proposal.changes), len(proposal.others)
    noun = "pagina" if others == 1 else "pagina's"
    print(
        f"{count} {'plan' if count == 1 else 'plannen'} en {others} andere {noun} veranderd "
        f"ten opzichte van {base.label}.\n"
        f"Wijzigingspagina: {page}\n"
        + (f"PDF: {pdf}\n" if pdf.is_file() else "")
        + "Open de pagina in je browser (of bekijk de hele site met 'make serve')."
    )
    return 0


def _bundle_types(config_file: Path) -> list[str]:
    """The plan types: the plugin's ``pdf_bundle_types`` in mkdocs.yml, else its default."""
    import yaml

    class IgnoreTags(yaml.SafeLoader):
        """mkdocs.yml's ``!!python/name:`` and ``!ENV`` values are read as nothing."""

    IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
    default = ["programma", "plan"]  # the plugin's default (adapter/config.py)
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=IgnoreTags)
    except (OSError, yaml.YAMLError):
        return default
    for plugin in (config or {}).get("plugins", []) if isinstance(config, dict) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("koppelkansen"), dict):
            types = plugin["koppelkansen"].get("pdf_bundle_types")
            if isinstance(types, list) and all(isinstance(t, str) for t in types):
                return types
    return default


def parser() -> argparse.ArgumentParser:
    top = _DutchParser(prog="koppelkansen", description="Gereedschap voor de Koppelkansen-site.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_DutchParser)
    check = sub.add_parser("check", help="controleer de front matter van alle pagina's")
    check.add_argument(
        "docs_dir", nargs="?", default="docs", help="map met de pagina's (standaard: docs)"
    )
    check.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="'github' schrijft meldingen voor GitHub Actions",
    )
    check.set_defaults(func=cmd_check)
    schema = sub.add_parser("schema", help="werk het schema bij met de waarden uit vocabulary.yml")
    schema.add_argument("docs_dir", nargs="?", default="docs")
    schema.set_defaults(func=cmd_schema)
    build = sub.add_parser("build", help="bouw de site; bij een fout blijft de vorige site staan")
    build.add_argument("--config-file", default="mkdocs.yml")
    build.add_argument("--site-dir", default="site")
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="mkdocs of properdocs (standaard: $KOPPELKANSEN_ENGINE, anders mkdocs)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="bouw ook als er sinds de vorige build niets is veranderd",
    )
    build.set_defaults(func=cmd_build)
    new = sub.add_parser(
        "nieuw",
        help="maak een nieuwe pagina uit het sjabloon van haar type",
        description="Maak een nieuwe pagina met geldige front matter en de vaste kopjes van "
        "haar type. Bestaande bestanden worden nooit overschreven.",
    )
    new.add_argument(
        "type", nargs="?", help="programma, casus, plan, leerronde, sessie, les of pagina"
    )
    new.add_argument("--titel", help="titel van de pagina (verplicht)")
    new.add_argument("--casus", help="casusgebied, bijvoorbeeld haven-stad")
    new.add_argument("--ronde", help="leerronde, bijvoorbeeld 2019-ontwerpateliers")
    new.add_argument("--datum", help="datum als JJJJ-MM-DD (of JJJJ-MM, JJJJ)")
    new.add_argument(
        "--soort", help="soort sessie: co-creatiesessie, ontwerpatelier of directieoverleg"
    )
    new.add_argument(
        "--themas", help="thema's, gescheiden door komma's (standaard: die van het casusgebied)"
    )
    new.add_argument(
        "--organisaties",
        help="organisaties, gescheiden door komma's (standaard: die van het casusgebied)",
    )
    new.add_argument("--map", help="andere map onder docs/ voor een sessie, les of pagina")
    new.add_argument("--docs", default="docs", help="map met de pagina's (standaard: docs)")
    new.set_defaults(func=cmd_new)
    version = sub.add_parser(
        "versie",
        help="leg de huidige plannen vast als versie (een git-tag versie/DATUM)",
        description="Maak een versie van de plannen: een annotated git-tag versie/DATUM op de "
        "laatste commit, met naam, datum en overleg. Alles moet gecommit zijn.",
    )
    version.add_argument(
        "--naam", help="naam van de versie, bijvoorbeeld 'gepresenteerd aan de directies'"
    )
    version.add_argument("--datum", help="datum als JJJJ-MM-DD (standaard: vandaag)")
    version.add_argument(
        "--overleg", help="pagina van het overleg, bijvoorbeeld directieoverleg/2018-10-31"
    )
    version.add_argument("--docs", default="docs", help="map met de pagina's (standaard: docs)")
    version.set_defaults(func=cmd_version)
    changes = sub.add_parser(
        "wijzigingen",
        help="bouw de wijzigingspagina en haar PDF: de werkmap vergeleken met een branch, tag of commit",
        description="Vergelijk de plannen in de werkmap (gecommit of niet) met SINDS en bouw de "
        "site met de wijzigingspagina wijzigingen/voorstel en haar PDF. Opent niets.",
    )
    changes.add_argument("--sinds", help="branch, versie-tag of commit, bijvoorbeeld main")
    changes.add_argument("--naam", help="hoe de pagina SINDS noemt (standaard SINDS zelf)")
    changes.add_argument("--docs", default="docs", help="map met de pagina's (standaard: docs)")
    changes.add_argument("--config-file", default="mkdocs.yml")
    changes.add_argument("--site-dir", default="site-wijzigingen")
    changes.add_argument(
        "--altijd", action="store_true", help="bouw ook als er in de plannen niets veranderd is"
    )
    changes.add_argument(
        "--samenvatting", help="voeg een korte samenvatting (Markdown) toe aan dit bestand"
    )
    changes.add_argument(
        "--artefact", help="adres van het artefact met de site, voor de samenvatting"
    )
    changes.add_argument(
        "--alleen-samenvatting", action="store_true", help="alleen de samenvatting, geen site"
    )
    changes.add_argument(
        "--annotations",
        choices=["github"],
        default="",
        help="'github': meldingen ook als annotaties voor GitHub Actions (op stdout)",
    )
    changes.set_defaults(func=cmd_changes)
    build.add_argument(
        "--annotations",
        choices=["github"],
        default="",
        help="'github': meldingen ook als annotaties voor GitHub Actions (op stdout)",
    )
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
