"""The editor in the built site: ``site/admin/`` with Decap CMS from ``node_modules`` (pinned in
package-lock.json, never from another host), our page around it, the preview and the generated
``config.yml``. Nothing of the editor is published outside ``/admin/``."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

from koppelkansen.editor.config import COLLECTIONS, DOCS, dump_config, editor_config
from koppelkansen.editor.signin import SignIn
from koppelkansen.pages.vocabulary import Vocabulary
from koppelkansen.problems import BuildStopped

#: The folder of the editor below the site.
ADMIN = "admin"
STATIC = Path(__file__).parent / "static"
#: The bundle as decap-cms publishes it: the main script and the chunks it loads beside it.
BUNDLE = Path("node_modules") / "decap-cms" / "dist"
PROJECT = Path(__file__).resolve().parent.parent.parent
#: Set by ``make schrijven``: the URL of decap-server's API, so the editor writes into the checkout.
LOCAL_BACKEND_ENV = "KOPPELKANSEN_EDITOR_LOCAL"
#: Set by ``make schrijven``: the checkout's branch, where the editor's drafts are merged.
LOCAL_BRANCH_ENV = "KOPPELKANSEN_EDITOR_BRANCH"
RESERVED_FOR_EDITOR = (
    "dit bestand komt in de site op {dest_uri}, in de map admin/ waar de build de editor "
    "schrijft; het zou de editor vervangen (of erdoor vervangen worden). Geef de map een andere "
    "naam, bijvoorbeeld docs/beheer/."
)


def reserved_for_editor(dest_uri: str) -> bool:
    """Whether a file at ``dest_uri`` (site-relative) lands in the editor's folder."""
    return dest_uri.lower().split("/", 1)[0] == ADMIN


def bundle_dir(root: Path) -> Path:
    """Decap's ``dist`` folder: in the project of the configuration, else beside this package."""
    for base in (root, PROJECT):
        if (base / BUNDLE / "decap-cms.js").is_file():
            return base / BUNDLE
    raise BuildStopped(
        f"De editor (decap-cms) ontbreekt in {root / BUNDLE}: draai 'make node' (npm ci) en "
        "bouw opnieuw."
    )


def yaml_files(dist: Path) -> list[Path]:
    """The YAML parser the page format reads with (``static/start.js``): the browser build of
    the ``yaml`` package, the version Decap bundles, beside decap-cms in ``node_modules``."""
    folder = dist.parent.parent / "yaml" / "browser" / "dist"
    files = sorted(folder.glob("*.js"))
    if not (folder / "index.js").is_file():
        raise BuildStopped(
            f"De editor mist zijn YAML-lezer in {folder}: draai 'make node' (npm ci) en bouw "
            "opnieuw."
        )
    return files


def bundle_files(dist: Path) -> list[Path]:
    """The main script and its chunks (``<n>.decap-cms.js``), without source maps and without the
    second copy of every file that the package also ships (``cms.js``)."""
    return sorted(p for p in dist.glob("*decap-cms.js") if p.is_file())


def preview_styles(site_dir: Path) -> list[str]:
    """The site's stylesheets (Material's, then ours), relative to ``/admin/``."""
    sheets = sorted((site_dir / "assets" / "stylesheets").glob("*.css"))
    material = [p for p in sheets if p.name.startswith(("main.", "palette."))]
    ours = [p for p in sheets if p not in material]
    return [f"../{p.relative_to(site_dir).as_posix()}" for p in material + ours]


def _json_script(element_id: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
    return f'  <script type="application/json" id="{element_id}">{text}</script>'


#: The live preview's build state, below ``/admin/`` (``adapter.livepreview.STATUS``).
BUILD_STATUS = "bouwstatus.json"
#: The pages and images the editor's "Invoegen" bar offers (make schrijven), below ``/admin/``.
INSERT_LIST = "invoegen.json"
#: Files the bar offers as images.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


def collection_depths() -> dict[str, list[int]]:
    """Per collection: the folder levels of its folder below docs/, the levels a new page's
    ``path`` adds, and (a files collection) the levels of its files. A link from a page is
    ``../`` that many times, then the path below docs/."""
    depths = {}
    for c in COLLECTIONS:
        folder = len([p for p in c.folder.split("/") if p])
        new = (c.path or "").count("/")
        depths[c.name] = [folder, new, folder + 1 if c.per_case else -1]
    return depths


def insert_list(docs_dir: Path | None, titles: dict[str, str]) -> dict[str, Any]:
    """What the bar offers: every page (its title and path below docs/) and every image."""
    if docs_dir is None:
        return {"paginas": [], "afbeeldingen": []}
    images = sorted(
        p.relative_to(docs_dir).as_posix()
        for p in docs_dir.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
    )
    pages = sorted(
        ({"titel": t, "pad": uri} for uri, t in titles.items()), key=lambda x: x["titel"]
    )
    return {"paginas": pages, "afbeeldingen": images}


def index_html(styles: list[str], vocabulary: Vocabulary, *, local: bool = False) -> str:
    lines = [
        f'  <meta name="kk-preview-style" content="{html.escape(s, quote=True)}">' for s in styles
    ]
    lines.append(
        _json_script("kk-status-labels", {k: t.label for k, t in vocabulary.statuses.items()})
    )
    # Decap names a preview template after a folder collection, or after each file of a files
    # collection (here: the case areas).
    names = [c.name for c in COLLECTIONS if not c.per_case]
    if any(c.per_case for c in COLLECTIONS):
        names += list(vocabulary.cases)
    lines.append(_json_script("kk-collections", names))
    # Only the local editor asks the live preview for the build's state (make schrijven).
    lines.append(_json_script("kk-build-status", BUILD_STATUS if local else None))
    # The folder levels of each collection: a path below docs/ becomes a path from the page.
    lines.append(_json_script("kk-depths", collection_depths()))
    lines.append(_json_script("kk-insert", {"lijst": INSERT_LIST} if local else None))
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    return template.replace("{styles}", "\n".join(lines))


HOST_NAMES = {"github": "GitHub", "gitlab": "GitLab", "forgejo": "Forgejo"}


#: The authors' guide on the site (docs/zelf-schrijven.md), linked from the notice if it is there.
GUIDE = "zelf-schrijven"


def not_set_up_html(sign_in: SignIn, guide: bool = False) -> str:
    """``/admin/`` while sign-in on the published site is not set up: says so in Dutch and links
    to what works (the Git host's own editor, ``make schrijven``); no editor, no sign-in button."""
    name = HOST_NAMES[sign_in.host]
    folder = sign_in.folder_url(DOCS)
    if folder:
        link = (
            f'<strong>Alle pagina\'s</strong> staan ook op <a href="{html.escape(folder)}">'
            f"{html.escape(name)}</a>, in de map <code>docs/</code>: open een bestand en kies "
            "het potlood om het te bewerken."
        )
    else:
        link = "Stuur je tekst naar het kernteam: zij zetten hem op de site."
    guide_link = (
        f' Hoe dat gaat staat op <a href="../{GUIDE}/">Zelf schrijven</a>.' if guide else ""
    )
    template = (STATIC / "niet-ingesteld.html").read_text(encoding="utf-8")
    return (
        template.replace("{host_name}", html.escape(name))
        .replace("{folder_link}", link)
        .replace("{guide_link}", guide_link)
    )


def write_editor(
    site_dir: Path,
    root: Path,
    schema: dict[str, Any],
    vocabulary: Vocabulary,
    *,
    repo: str | None,
    site_url: str,
    local_backend: str | None = None,
    local_branch: str = "main",
    sign_in: SignIn | None = None,
    pages: dict[str, str] | None = None,
    docs_dir: Path | None = None,
) -> Path:
    """Write ``site_dir/admin/``; returns the folder. Published with ``sign_in`` not set up:
    only the notice (:func:`not_set_up_html`). ``pages`` (titles by path below docs/) and
    ``docs_dir``: for the local editor's "Invoegen" bar; ``local_branch``: the checkout's branch
    the local editor publishes into."""
    admin = site_dir / ADMIN
    if sign_in is not None and not sign_in.ready and not local_backend:
        admin.mkdir(parents=True, exist_ok=True)
        guide = (site_dir / GUIDE / "index.html").is_file()
        (admin / "index.html").write_text(not_set_up_html(sign_in, guide), encoding="utf-8")
        return admin
    dist = bundle_dir(root)
    admin.mkdir(parents=True, exist_ok=True)
    for path in bundle_files(dist):
        shutil.copyfile(path, admin / path.name)
    for name in ("hosts.js", "frontmatter.js", "preview.js", "start.js"):
        shutil.copyfile(STATIC / name, admin / name)
    (admin / "yaml").mkdir(exist_ok=True)
    for path in yaml_files(dist):
        shutil.copyfile(path, admin / "yaml" / path.name)
    (admin / "index.html").write_text(
        index_html(preview_styles(site_dir), vocabulary, local=bool(local_backend)),
        encoding="utf-8",
    )
    config = editor_config(
        schema,
        vocabulary,
        repo=repo,
        site_url=site_url,
        local_backend=local_backend,
        sign_in=sign_in,
        branch=local_branch if local_backend else "main",
    )
    (admin / "config.yml").write_text(dump_config(config), encoding="utf-8")
    if local_backend:
        listing = json.dumps(insert_list(docs_dir, pages or {}), ensure_ascii=False)
        (admin / INSERT_LIST).write_text(listing, encoding="utf-8")
    return admin
