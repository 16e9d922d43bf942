"""How an author signs in to the editor on the published site: the one place of that choice.

The settings are the ``editor_sign_in`` option of the ``koppelkansen`` plugin in ``mkdocs.yml``;
the editor's ``config.yml`` (its ``backend``) and the edit links are generated from them. Three
Git hosts:

- ``github``: Decap's GitHub backend signs in only through an OAuth provider (a pop-up at
  ``oauth_provider``, the origin where the project's provider runs: ``koppelkansen.editor.oauth``,
  ``make aanmelden``); no PKCE for GitHub in Decap 3.16.
- ``gitlab`` and ``forgejo``: PKCE in the browser, no server; ``app_id`` is the OAuth
  application's id on the host, ``host_url`` the host (``https://gitlab.com``,
  ``https://codeberg.org``).

Until sign-in is set up (no provider, no ``app_id``), ``/admin/`` is a Dutch notice with a link
to the Git host's own editor, and the pages' edit links go there directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from koppelkansen.problems import BuildStopped

HOSTS = ("github", "gitlab", "forgejo")
KEYS = (
    "host",
    "repo",
    "branch",
    "oauth_provider",
    "app_id",
    "host_url",
    "api_root",
    "preview_context",
)
#: The commit status whose link Decap shows as the preview of a proposal
#: (``.github/workflows/preview.yml`` sets it; Decap's ``preview_context``).
PREVIEW_CONTEXT = "Voorbeeld van het voorstel"
DEFAULT_HOST_URL = {"github": "https://github.com", "gitlab": "https://gitlab.com"}
_REPO = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]{1,100}$")
_WHERE = "mkdocs.yml (plugins: koppelkansen: editor_sign_in)"


@dataclass(frozen=True)
class SignIn:
    """The Git host of the published editor and how an author signs in there."""

    host: str = "github"
    #: ``owner/name`` (GitLab: ``group/subgroup/name``), or None when it is not known.
    repo: str | None = None
    branch: str = "main"
    #: GitHub: the origin of the OAuth provider (``https://aanmelden.example.org``).
    oauth_provider: str | None = None
    #: GitLab, Forgejo: the OAuth application's id (PKCE, no secret).
    app_id: str | None = None
    #: The Git host's web address (edit links; GitLab's and Forgejo's sign-in).
    host_url: str | None = None
    #: The Git host's API (only to point the editor elsewhere, e.g. at the tests' stand-in).
    api_root: str | None = None
    preview_context: str = PREVIEW_CONTEXT

    @property
    def ready(self) -> bool:
        """Whether an author can sign in on the published site."""
        if not self.repo:
            return False
        if self.host == "github":
            return bool(self.oauth_provider)
        return bool(self.app_id) and bool(self.web_url)

    @property
    def web_url(self) -> str | None:
        return (self.host_url or DEFAULT_HOST_URL.get(self.host) or "").rstrip("/") or None

    def backend(self) -> dict[str, Any]:
        """Decap's ``backend`` for this host."""
        backend: dict[str, Any] = {
            "name": self.host,
            "repo": self.repo or "",
            "branch": self.branch,
        }
        web = self.web_url
        if self.host == "github":
            if self.oauth_provider:
                backend["base_url"] = self.oauth_provider
                backend["auth_endpoint"] = "auth"
        elif self.host == "gitlab":
            backend.update(auth_type="pkce", app_id=self.app_id or "")
            if web:
                backend["base_url"] = web
                backend["api_root"] = f"{web}/api/v4"
        else:  # forgejo: PKCE is its only sign-in; base_url comes from api_root
            backend["app_id"] = self.app_id or ""
            if web:
                backend["api_root"] = f"{web}/api/v1"
        if self.api_root:
            backend["api_root"] = self.api_root
        backend["preview_context"] = self.preview_context
        return backend

    def edit_url(self, path: str) -> str | None:
        """The Git host's own editor for ``path`` (a repository path): saving there proposes a
        change (a branch and a pull request) to whoever has no write access."""
        web = self.web_url
        if not self.repo or not web:
            return None
        branch, path = quote(self.branch), quote(path)
        if self.host == "gitlab":
            return f"{web}/{self.repo}/-/edit/{branch}/{path}"
        if self.host == "forgejo":
            return f"{web}/{self.repo}/_edit/{branch}/{path}"
        return f"{web}/{self.repo}/edit/{branch}/{path}"

    def folder_url(self, path: str) -> str | None:
        """The Git host's page of a folder (where its editor is one click away)."""
        web = self.web_url
        if not self.repo or not web:
            return None
        sep = {"gitlab": "/-/tree/", "forgejo": "/src/branch/"}.get(self.host, "/tree/")
        return f"{web}/{self.repo}{sep}{quote(self.branch)}/{quote(path)}"


def _origin(value: str, key: str) -> str:
    parts = urlsplit(value)
    local = parts.hostname in ("127.0.0.1", "localhost")
    if (
        parts.scheme not in (("http", "https") if local else ("https",))
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise BuildStopped(
            f"{_WHERE}: {key} is {value!r}; schrijf alleen het adres van de server, met https:// "
            "en zonder pad, bijvoorbeeld https://aanmelden.example.org (de editor vergelijkt het "
            "met de herkomst van het antwoord van de aanmeldserver)."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _url(value: str, key: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.username:
        raise BuildStopped(f"{_WHERE}: {key} is {value!r}; schrijf een adres met https://.")
    return value.rstrip("/")


def sign_in(settings: dict[str, Any] | None, site_url: str) -> SignIn:
    """The settings of ``mkdocs.yml`` checked; the repository defaults to the GitHub Pages
    address's (``https://<owner>.github.io/<repo>/``). A wrong setting stops the build in Dutch."""
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise BuildStopped(
            f"{_WHERE}: onbekende instelling {', '.join(unknown)}; bekend zijn {', '.join(KEYS)}."
        )
    values: dict[str, str] = {}
    for key, value in settings.items():
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise BuildStopped(f"{_WHERE}: {key} moet tekst zijn, nu {value!r}.")
        values[key] = value.strip()
    host = values.get("host", "github")
    if host not in HOSTS:
        raise BuildStopped(f"{_WHERE}: host is {host!r}; kies uit {', '.join(HOSTS)}.")
    repo = values.get("repo")
    if repo is None and host == "github":
        match = re.match(r"^https://([A-Za-z0-9-]+)\.github\.io/([A-Za-z0-9._-]+)/?", site_url)
        repo = f"{match.group(1)}/{match.group(2)}" if match else None
    if repo is not None and not _REPO.match(repo):
        raise BuildStopped(f"{_WHERE}: repo is {repo!r}; schrijf eigenaar/naam.")
    branch = values.get("branch", "main")
    if not _BRANCH.match(branch) or branch.startswith(("-", "/")) or ".." in branch:
        raise BuildStopped(f"{_WHERE}: branch {branch!r} is geen geldige branchnaam.")
    if host == "github" and "app_id" in values:
        raise BuildStopped(
            f"{_WHERE}: app_id (PKCE) werkt niet met GitHub; GitHub meldt aan via de "
            "aanmeldserver: zet oauth_provider."
        )
    if host != "github" and "oauth_provider" in values:
        raise BuildStopped(
            f"{_WHERE}: oauth_provider is alleen voor GitHub; {host} meldt aan met PKCE: zet app_id."
        )
    if host == "forgejo" and "host_url" not in values:
        raise BuildStopped(
            f"{_WHERE}: forgejo heeft host_url nodig, bijvoorbeeld https://codeberg.org."
        )
    return SignIn(
        host=host,
        repo=repo,
        branch=branch,
        oauth_provider=_origin(values["oauth_provider"], "oauth_provider")
        if "oauth_provider" in values
        else None,
        app_id=values.get("app_id"),
        host_url=_origin(values["host_url"], "host_url") if "host_url" in values else None,
        api_root=_url(values["api_root"], "api_root") if "api_root" in values else None,
        preview_context=values.get("preview_context", PREVIEW_CONTEXT),
    )
