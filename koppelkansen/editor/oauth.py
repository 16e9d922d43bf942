"""The project's OAuth provider for the editor's GitHub sign-in: a small, stateless deployable.

Decap's GitHub backend signs in through a pop-up at ``<oauth_provider>/auth`` and expects the
pop-up to answer with ``postMessage`` (``authorizing:github``, then
``authorization:github:success:{"token": …, "provider": "github"}``), accepting it only from the
provider's origin. GitHub's token endpoint needs the client secret and sends no CORS headers, so
this exchange needs a server: this one, two routes.

- ``GET /auth``: checks the request, sends the browser to GitHub's authorisation page with a
  ``state`` signed by HMAC (expiry and a nonce; the nonce is also an HttpOnly cookie for
  ``/callback``, so a state works only in the browser it was made for). Nothing is stored.
- ``GET /callback``: checks ``state`` (signature, expiry, cookie), exchanges the code for a token
  at GitHub and answers with a page that posts the token to the site's origin
  (``AANMELDEN_SITE_ORIGIN``, never ``*``), after the editor in that origin has answered the
  handshake. Every refusal is a Dutch page (and a Dutch message to the editor) with no token.

Settings only from the environment (:data:`ENVIRONMENT`). The app is WSGI written on the standard
library (two GET routes need no framework); the HTTP server is waitress (``python -m
koppelkansen.editor.oauth``; ``make aanmelden``; ``Containerfile.aanmelden``). This module imports
nothing else of the package, so the container holds it alone. See docs-dev/editor.md, "Sign-in".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The environment variables, with what each is for.
ENVIRONMENT = {
    "AANMELDEN_CLIENT_ID": "de Client ID van de GitHub OAuth App",
    "AANMELDEN_CLIENT_SECRET": "het Client secret van de GitHub OAuth App",
    "AANMELDEN_URL": "het eigen adres van deze server, zoals in mkdocs.yml (oauth_provider)",
    "AANMELDEN_SITE_ORIGIN": "de herkomst van de site met de editor, bijvoorbeeld "
    "https://koppelkansen.github.io",
}
#: Optional: GitHub's web address (GitHub Enterprise; the tests' stand-in), listen address.
GITHUB_URL_ENV = "AANMELDEN_GITHUB_URL"
STATE_SECONDS = 600
SCOPES = ("repo", "public_repo")
STATE_COOKIE = "kk_aanmelden"
TIMEOUT = 15
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_ERROR_CODE = re.compile(r"^[a-z_]{1,60}$")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Refused(Exception):
    """A request the provider refuses: ``message`` is Dutch, for the author, and holds no
    token or secret."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Settings:
    client_id: str
    client_secret: str
    #: The provider's own origin (``https://aanmelden.example.org``); ``/callback`` is below it.
    url: str
    site_origin: str
    github_url: str = "https://github.com"

    @property
    def state_key(self) -> bytes:
        # Derived from the client secret: one secret less to keep; a new client secret makes
        # every state still in flight invalid, which is what a rotation wants.
        return hmac.new(self.client_secret.encode(), b"koppelkansen-state", "sha256").digest()


def _origin(value: str) -> str | None:
    parts = urllib.parse.urlsplit(value.strip())
    local = parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme not in (("http", "https") if local else ("https",)) or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def settings_from(environ: Mapping[str, str]) -> Settings:
    """The settings, or :class:`Refused` naming (in Dutch) what is missing or wrong."""
    missing = [name for name in ENVIRONMENT if not environ.get(name, "").strip()]
    if missing:
        raise Refused(
            "500 Internal Server Error",
            "De aanmeldserver is nog niet ingesteld: "
            + ", ".join(f"{name} ({ENVIRONMENT[name]})" for name in missing)
            + " ontbreekt. Vraag de beheerders van de site om dit in te stellen.",
        )
    origins = {}
    for name in ("AANMELDEN_URL", "AANMELDEN_SITE_ORIGIN"):
        origin = _origin(environ[name])
        if origin is None:
            raise Refused(
                "500 Internal Server Error",
                f"De aanmeldserver is verkeerd ingesteld: {name} moet een adres met https:// "
                "zonder pad zijn. Vraag de beheerders van de site om dit te herstellen.",
            )
        origins[name] = origin
    github = environ.get(GITHUB_URL_ENV, "").strip() or "https://github.com"
    return Settings(
        client_id=environ["AANMELDEN_CLIENT_ID"].strip(),
        client_secret=environ["AANMELDEN_CLIENT_SECRET"].strip(),
        url=origins["AANMELDEN_URL"],
        site_origin=origins["AANMELDEN_SITE_ORIGIN"],
        github_url=github.rstrip("/"),
    )


# --- the signed state ----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_state(settings: Settings, nonce: str, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + STATE_SECONDS)
    body = f"{expires}.{nonce}"
    mac = hmac.new(settings.state_key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def check_state(
    settings: Settings, state: str, nonce: str | None, now: float | None = None
) -> None:
    """Refuses a state that was not made here, has expired or belongs to another browser."""
    refused = Refused(
        "400 Bad Request",
        "De aanmelding is verlopen of komt niet uit deze editor. Sluit dit venster en klik in de "
        "editor opnieuw op Inloggen.",
    )
    parts = state.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        raise refused
    body = f"{parts[0]}.{parts[1]}"
    mac = hmac.new(settings.state_key, body.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(_b64(mac), parts[2]):
        raise refused
    if int(parts[0]) < (now if now is not None else time.time()):
        raise refused
    if not nonce or not hmac.compare_digest(nonce, parts[1]):
        raise refused


# --- the exchange at GitHub ----------------------------------------------------------------------


def exchange(settings: Settings, code: str) -> str:
    """The access token for ``code``, from GitHub's token endpoint; :class:`Refused` otherwise."""
    data = urllib.parse.urlencode(
        {
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "code": code,
            "redirect_uri": f"{settings.url}/callback",
        }
    ).encode()
    request = urllib.request.Request(
        f"{settings.github_url}/login/oauth/access_token",
        data=data,
        headers={"Accept": "application/json", "User-Agent": "koppelkansen-aanmelden"},
        method="POST",
    )
    unreachable = Refused(
        "502 Bad Gateway",
        "GitHub gaf geen bruikbaar antwoord op de aanmelding. Probeer het over een paar minuten "
        "opnieuw; lukt het dan nog niet, meld het de beheerders van de site.",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read(65536).decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError):
        raise unreachable from None
    if not isinstance(answer, dict):
        raise unreachable
    token = answer.get("access_token")
    if isinstance(token, str) and token:
        return token
    error = answer.get("error")
    code_text = f" ({error})" if isinstance(error, str) and _ERROR_CODE.match(error) else ""
    raise Refused(
        "502 Bad Gateway",
        f"GitHub weigerde de aanmelding{code_text}. Sluit dit venster en klik in de editor "
        "opnieuw op Inloggen.",
    )


# --- the pages -----------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{title} – Koppelkansen</title>
<style>
:root {{ color-scheme: light dark; }}
body {{ margin: 0; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       background: Canvas; color: CanvasText; }}
main {{ max-width: 34rem; margin: 0 auto; padding: 2.5rem 1.25rem; }}
h1 {{ font-size: 1.5rem; line-height: 1.3; }}
</style>
</head>
<body>
<main>
<h1 id="kop">{title}</h1>
<p id="bericht">{message}</p>
</main>
{script}
</body>
</html>
"""

# The handshake Decap expects (decap-cms-lib-auth, netlify-auth.js): the pop-up says
# "authorizing:github" to its opener; the editor answers with the same words from its own origin;
# then the pop-up posts the outcome to that origin only.
_HANDSHAKE = """<script nonce="{nonce}">
(function () {{
  var origin = {origin};
  var outcome = {outcome};
  var text = document.getElementById("bericht");
  if (!window.opener) {{
    if (outcome.indexOf("authorization:github:success:") === 0) {{
      document.getElementById("kop").textContent = "Open de editor";
      text.textContent = "Dit venster hoort bij de editor. Open de editor en klik daar op Inloggen.";
    }}
    return;
  }}
  function answer(event) {{
    if (event.origin !== origin || event.data !== "authorizing:github") return;
    window.removeEventListener("message", answer);
    event.source.postMessage(outcome, origin);
  }}
  window.addEventListener("message", answer);
  window.opener.postMessage("authorizing:github", origin);
}})();
</script>"""


def _script_json(value: str) -> str:
    """A JavaScript string literal that cannot end the script element."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page(title: str, message: str, outcome: str | None, site_origin: str | None) -> tuple[str, str]:
    """The HTML of the pop-up and its script nonce; ``outcome`` is posted to ``site_origin``."""
    nonce = secrets.token_urlsafe(16)
    script = ""
    if outcome is not None and site_origin is not None:
        script = _HANDSHAKE.format(
            nonce=nonce, origin=_script_json(site_origin), outcome=_script_json(outcome)
        )
    text = _PAGE.format(title=html.escape(title), message=html.escape(message), script=script)
    return text, nonce


# --- the WSGI application ------------------------------------------------------------------------


def _cookie(environ: Mapping[str, Any], name: str) -> str | None:
    for part in str(environ.get("HTTP_COOKIE", "")).split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class App:
    """The WSGI application. ``environ`` (the process environment) is read at every request, so
    a missing secret is a Dutch page, not a crash at start."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = env if env is not None else os.environ

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=10)
        site_origin: str | None = None
        try:
            if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                raise Refused("405 Method Not Allowed", "Deze server beantwoordt alleen GET.")
            if path not in ("/auth", "/callback"):
                raise Refused("404 Not Found", "Deze pagina bestaat niet op de aanmeldserver.")
            settings = settings_from(self.env)
            site_origin = settings.site_origin
            if path == "/auth":
                return self._auth(settings, query, start_response)
            return self._callback(settings, query, environ, start_response)
        except Refused as refused:
            outcome = "authorization:github:error:" + json.dumps({"message": refused.message})
            body, nonce = page("Inloggen lukt niet", refused.message, outcome, site_origin)
            return self._respond(start_response, refused.status, body, nonce)

    @staticmethod
    def _one(query: dict[str, list[str]], key: str) -> str | None:
        values = query.get(key, [])
        return values[0] if len(values) == 1 else None

    def _auth(
        self, settings: Settings, query: dict[str, list[str]], start_response: StartResponse
    ) -> Iterable[bytes]:
        if self._one(query, "provider") != "github":
            raise Refused("400 Bad Request", "Deze aanmeldserver meldt alleen aan bij GitHub.")
        # Decap names the site it runs on (its host; "demo.decapcms.org" on localhost). A pop-up
        # opened from another site is refused here; the token could not reach it anyway (it is
        # posted to the site's origin only).
        site = urllib.parse.urlsplit(settings.site_origin).hostname
        allowed = {site, "demo.decapcms.org"} if site == "localhost" else {site}
        if self._one(query, "site_id") not in allowed:
            raise Refused(
                "403 Forbidden",
                f"Deze aanmeldserver hoort bij de editor op {settings.site_origin}; open de "
                "editor daar en klik op Inloggen.",
            )
        scope = self._one(query, "scope") or "repo"
        if scope not in SCOPES:
            raise Refused(
                "400 Bad Request", "De editor vroeg om rechten die deze server niet geeft."
            )
        nonce = secrets.token_urlsafe(16)
        target = f"{settings.github_url}/login/oauth/authorize?" + urllib.parse.urlencode(
            {
                "client_id": settings.client_id,
                "redirect_uri": f"{settings.url}/callback",
                "scope": scope,
                "state": make_state(settings, nonce),
            }
        )
        secure = "; Secure" if settings.url.startswith("https://") else ""
        start_response(
            "302 Found",
            [
                ("Location", target),
                (
                    "Set-Cookie",
                    f"{STATE_COOKIE}={nonce}; Max-Age={STATE_SECONDS}; Path=/callback; "
                    f"HttpOnly; SameSite=Lax{secure}",
                ),
                ("Cache-Control", "no-store"),
                ("Referrer-Policy", "no-referrer"),
                ("Content-Length", "0"),
            ],
        )
        return [b""]

    def _callback(
        self,
        settings: Settings,
        query: dict[str, list[str]],
        environ: Mapping[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        error = self._one(query, "error")
        if error is not None:
            shown = f" ({error})" if _ERROR_CODE.match(error) else ""
            raise Refused(
                "400 Bad Request",
                f"GitHub gaf geen toestemming{shown}. Sluit dit venster en klik in de editor "
                "opnieuw op Inloggen als je toch wilt inloggen.",
            )
        check_state(settings, self._one(query, "state") or "", _cookie(environ, STATE_COOKIE))
        code = self._one(query, "code") or ""
        if not _CODE.match(code):
            raise Refused("400 Bad Request", "GitHub stuurde geen bruikbare aanmeldcode mee.")
        token = exchange(settings, code)
        outcome = "authorization:github:success:" + json.dumps(
            {"token": token, "provider": "github"}
        )
        body, nonce = page(
            "Je bent ingelogd",
            "Je bent ingelogd. Dit venster sluit vanzelf; zo niet, ga terug naar de editor.",
            outcome,
            settings.site_origin,
        )
        return self._respond(start_response, "200 OK", body, nonce, clear_cookie=True)

    @staticmethod
    def _respond(
        start_response: StartResponse,
        status: str,
        body: str,
        nonce: str,
        clear_cookie: bool = False,
    ) -> Iterable[bytes]:
        data = body.encode("utf-8")
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            (
                "Content-Security-Policy",
                f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        ]
        if clear_cookie:
            headers.append(("Set-Cookie", f"{STATE_COOKIE}=; Max-Age=0; Path=/callback"))
        start_response(status, headers)
        return [data]


def main(argv: list[str] | None = None) -> int:
    """Serve the provider with waitress on ``AANMELDEN_LISTEN`` (default 127.0.0.1:8090)."""
    import waitress

    listen = os.environ.get("AANMELDEN_LISTEN", "127.0.0.1:8090")
    try:
        settings_from(os.environ)
    except Refused as refused:  # it starts anyway: every request then says what is missing
        print(f"Let op: {refused.message}", file=sys.stderr)
    print(f"Aanmeldserver op http://{listen}/auth (stoppen: Ctrl+C)", file=sys.stderr, flush=True)
    waitress.serve(App(), listen=listen, ident="koppelkansen-aanmelden", _quiet=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
