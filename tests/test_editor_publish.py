"""The editor on the published site (issue 29, items 1 to 3): sign-in settings in one place, the
notice while sign-in is not set up, the project's OAuth provider, and the whole round in real
Chromium with the real Decap bundle against the provider (a real process) and a STAND-IN for
GitHub (koppelkansen/editor/standin.py): sign in through the pop-up, save a session as a draft (a
``cms/…`` branch and a pull request holding exactly that file), move it to "in review" (the
label), and see the proposal's preview link (a commit status)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import serve
from importgraph import imports

from koppelkansen.check.frontmatter import check_docs
from koppelkansen.editor.admin import write_editor
from koppelkansen.editor.config import COMMIT_MESSAGES, edit_target, editor_config
from koppelkansen.editor.oauth import App, check_state, make_state, settings_from
from koppelkansen.editor.signin import PREVIEW_CONTEXT, SignIn, sign_in
from koppelkansen.editor.standin import GitHubStandIn, standin_repository
from koppelkansen.problems import BuildStopped

ROOT = Path(__file__).resolve().parent.parent
FAVICON = (
    Path(__import__("material").__file__).parent / "templates" / "assets" / "images" / "favicon.png"
)
REPO = "koppelkansen/plannen"
CLIENT_ID = "standin-client"
CLIENT_SECRET = "standin-secret-" + "x" * 20
SITE_URL = "https://koppelkansen.github.io/plannen/"
PUBLISH = pytest.mark.xdist_group("editor-publish")


def _corpus():
    corpus, problems, _ = check_docs(ROOT / "docs")
    assert corpus is not None, problems
    return corpus


# --- the settings: one place, the configuration generated from them -----------------------------


def test_the_sign_in_settings_make_the_backend_and_refuse_what_cannot_work():
    # Not set up (the project today): GitHub, the repository from the Pages address, no provider.
    plain = sign_in({"host": "github"}, SITE_URL)
    assert plain == SignIn(repo=REPO) and not plain.ready
    github = sign_in({"oauth_provider": "https://aanmelden.example.org/"}, SITE_URL)
    assert github.ready
    assert github.backend() == {
        "name": "github",
        "repo": REPO,
        "branch": "main",
        "base_url": "https://aanmelden.example.org",
        "auth_endpoint": "auth",
        "preview_context": PREVIEW_CONTEXT,
    }
    gitlab = sign_in({"host": "gitlab", "repo": "gemeente/koppelkansen", "app_id": "abc"}, "")
    assert gitlab.ready and gitlab.backend() == {
        "name": "gitlab",
        "repo": "gemeente/koppelkansen",
        "branch": "main",
        "auth_type": "pkce",
        "app_id": "abc",
        "base_url": "https://gitlab.com",
        "api_root": "https://gitlab.com/api/v4",
        "preview_context": PREVIEW_CONTEXT,
    }
    forgejo = sign_in(
        {"host": "forgejo", "repo": "a/b", "app_id": "id", "host_url": "https://codeberg.org"}, ""
    )
    assert forgejo.backend()["api_root"] == "https://codeberg.org/api/v1"
    assert forgejo.edit_url("docs/x.md") == "https://codeberg.org/a/b/_edit/main/docs/x.md"
    config = editor_config(_corpus().schema, _corpus().vocabulary, repo=None, sign_in=github)
    assert config["backend"] == {**github.backend(), "commit_messages": COMMIT_MESSAGES}
    assert config["publish_mode"] == "editorial_workflow"
    # A path (Decap compares the answer's origin with it), or no HTTPS.
    for value in ("https://aanmelden.example.org/auth", "http://aanmelden.example.org"):
        with pytest.raises(BuildStopped, match="zonder pad"):
            sign_in({"oauth_provider": value}, SITE_URL)
    with pytest.raises(BuildStopped, match=r"app_id \(PKCE\) werkt niet met GitHub"):
        sign_in({"app_id": "x"}, SITE_URL)
    with pytest.raises(BuildStopped, match="onbekende instelling provider"):
        sign_in({"provider": "x"}, SITE_URL)
    with pytest.raises(BuildStopped, match="kies uit github, gitlab, forgejo"):
        sign_in({"host": "bitbucket"}, SITE_URL)
    with pytest.raises(BuildStopped, match="forgejo heeft host_url nodig"):
        sign_in({"host": "forgejo", "repo": "a/b", "app_id": "x"}, "")


def test_until_sign_in_is_set_up_the_edit_link_opens_the_git_hosts_editor():
    src = "casussen/haven-stad/projectplan.md"
    assert edit_target(src, "plan", repo=REPO, sign_in=SignIn(repo=REPO)) == (
        f"https://github.com/{REPO}/edit/main/docs/{src}"
    )
    ready = SignIn(repo=REPO, oauth_provider="https://aanmelden.example.org")
    assert edit_target(src, "plan", repo=REPO, sign_in=ready) == (
        "admin/#/collections/plan/entries/haven-stad"
    )


def test_a_wrong_sign_in_setting_stops_the_build_in_dutch(tmp_path):
    from conftest import make_site_project, run_build

    config = make_site_project(tmp_path)
    text = config.read_text(encoding="utf-8")
    assert "  - koppelkansen\n" in text
    config.write_text(
        text.replace(
            "  - koppelkansen\n",
            "  - koppelkansen:\n      editor_sign_in:\n        oauth_provider: https://x.org/auth\n",
        ),
        encoding="utf-8",
    )
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "editor_sign_in" in result.stderr and "zonder pad" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


# --- the OAuth provider ----------------------------------------------------------------------------


def test_the_provider_imports_nothing_else_of_the_package():
    """Its container (deploy/aanmelden/Containerfile) holds this module alone."""
    assert imports("editor.oauth") == set()
    containerfile = (ROOT / "deploy" / "aanmelden" / "Containerfile").read_text("utf-8")
    assert "koppelkansen/editor/oauth.py" in containerfile
    assert "--require-hashes" in containerfile


def _call(app: App, path: str, cookie: str = "") -> tuple[str, dict[str, str], str]:
    target, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": target,
        "QUERY_STRING": query,
        "HTTP_COOKIE": cookie,
    }
    answer: dict[str, object] = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response)).decode("utf-8")
    return str(answer["status"]), answer["headers"], body  # type: ignore[return-value]


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("github-standin")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Plannen\n", encoding="utf-8")
    git = GitHubStandIn(
        standin_repository(folder / "repo.git", docs), REPO, CLIENT_ID, CLIENT_SECRET
    )
    base = git.start()
    yield git, base
    git.stop()


def _env(github: str, site: str = "https://koppelkansen.github.io") -> dict[str, str]:
    return {
        "AANMELDEN_CLIENT_ID": CLIENT_ID,
        "AANMELDEN_CLIENT_SECRET": CLIENT_SECRET,
        "AANMELDEN_URL": "https://aanmelden.example.org",
        "AANMELDEN_SITE_ORIGIN": site,
        "AANMELDEN_GITHUB_URL": github,
    }


def _sign_in_at(app: App, standin_base: str) -> tuple[str, str]:
    """/auth, then the stand-in's approval: the callback URL and the state cookie."""
    status, headers, _ = _call(
        app, "/auth?provider=github&site_id=koppelkansen.github.io&scope=repo"
    )
    assert status == "302 Found"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"] and "Secure" in headers["Set-Cookie"]
    approval = urllib.request.Request(
        headers["Location"].replace("https://github.com", standin_base)
    )
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(approval)
    location = redirect.value.headers["Location"]
    redirect.value.close()
    return location.removeprefix("https://aanmelden.example.org"), cookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_provider_posts_the_token_only_to_the_sites_origin(standin):
    git, base = standin
    app = App(_env(base))
    callback, cookie = _sign_in_at(app, base)
    status, headers, body = _call(app, callback, cookie)
    assert status == "200 OK", body
    token = re.search(r"gho_standin_[0-9a-f]+", body)
    assert token is not None and token.group(0) in git.tokens
    # Posted to the site's origin, after the editor there has answered the handshake; never "*".
    assert 'var origin = "https://koppelkansen.github.io";' in body
    assert "event.origin !== origin" in body and "postMessage(outcome, origin)" in body
    assert '"*"' not in body and "'*'" not in body
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Max-Age=0" in headers["Set-Cookie"]


def _refused(status: str, body: str, expected: str) -> None:
    assert not status.startswith(("2", "3")), (status, body)
    assert expected in body, body
    assert "Inloggen lukt niet" in body and 'lang="nl"' in body
    assert "gho_" not in body and "access_token" not in body and CLIENT_SECRET not in body


def test_the_provider_refuses_in_dutch_with_no_token(standin):
    git, base = standin
    app = App(_env(base))
    # A wrong or expired state, or one from another browser (the cookie).
    callback, cookie = _sign_in_at(app, base)
    state = re.search(r"state=([^&]+)", callback).group(1)  # type: ignore[union-attr]
    tampered = callback.replace(state, state[:-2] + ("AA" if not state.endswith("AA") else "BB"))
    for path, jar in ((tampered, cookie), (callback, ""), (callback, "kk_aanmelden=ander")):
        _refused(*_call(app, path, jar)[::2], "De aanmelding is verlopen")
    settings = settings_from(_env(base))
    old = make_state(settings, "n", now=time.time() - 3600)
    with pytest.raises(Exception, match="verlopen"):
        check_state(settings, old, "n")
    # A pop-up opened from another site.
    status, _, body = _call(app, "/auth?provider=github&site_id=evil.example&scope=repo")
    _refused(
        status, body, "Deze aanmeldserver hoort bij de editor op https://koppelkansen.github.io"
    )
    # Settings missing: which, in Dutch; nothing else works.
    for name in ("AANMELDEN_CLIENT_SECRET", "AANMELDEN_SITE_ORIGIN"):
        env = {k: v for k, v in _env(base).items() if k != name}
        status, _, body = _call(App(env), "/auth?provider=github&site_id=x&scope=repo")
        _refused(status, body, f"De aanmeldserver is nog niet ingesteld: {name}")
    # GitHub refuses: the author said no, or the code is bad.
    git.deny = True
    try:
        callback, cookie = _sign_in_at(app, base)
    finally:
        git.deny = False
    _refused(*_call(app, callback, cookie)[::2], "GitHub gaf geen toestemming (access_denied)")
    callback, cookie = _sign_in_at(app, base)
    git.token_error = True
    try:
        _refused(
            *_call(app, callback, cookie)[::2],
            "GitHub weigerde de aanmelding (bad_verification_code)",
        )
    finally:
        git.token_error = False
    # GitHub unreachable.
    callback, cookie = _sign_in_at(app, base)
    _refused(
        *_call(App(_env("http://127.0.0.1:9")), callback, cookie)[::2],
        "GitHub gaf geen bruikbaar antwoord",
    )
    # The token page without a token, other paths, other methods.
    _refused(*_call(app, "/elders")[::2], "Deze pagina bestaat niet")


# --- in Chromium ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _site(folder: Path, origin_path: str = "/plannen/") -> Path:
    (folder / "assets" / "images").mkdir(parents=True)
    shutil.copy(FAVICON, folder / "assets" / "images")
    (folder / "index.html").write_text(
        f'<link rel="canonical" href="https://koppelkansen.github.io{origin_path}">',
        encoding="utf-8",
    )
    return folder


def _provider(port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "koppelkansen.editor.oauth"],
        env={**os.environ, **env, "AANMELDEN_LISTEN": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(
                    f"de aanmeldserver stopte: {process.communicate()[1]}"
                ) from None
            time.sleep(0.05)
    process.kill()
    raise AssertionError("de aanmeldserver luistert niet binnen 30 s")


def _shots() -> Path | None:
    folder = os.environ.get("KOPPELKANSEN_SCREENSHOTS")
    return Path(folder) if folder else None


def _screens(context_factory, url: str, name: str, shots: Path) -> None:
    """Screenshots of ``url`` at 1280 and 375 px, light and dark."""
    for width, height in ((1280, 800), (375, 812)):
        for scheme in ("light", "dark"):
            context = context_factory(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.screenshot(path=str(shots / f"{name}-{width}-{scheme}.png"), full_page=True)
            context.close()


def _until(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"niet binnen {seconds} s: {what}")
        time.sleep(0.05)


@PUBLISH
def test_until_sign_in_is_set_up_admin_says_so_and_links_to_what_works(browser, tmp_path):
    corpus = _corpus()
    site = _site(tmp_path / "site")
    # The authors' guide is linked when the site has it (a site without it: no dead link).
    write_editor(
        site, ROOT, corpus.schema, corpus.vocabulary, repo=REPO, site_url=SITE_URL,
        sign_in=SignIn(repo=REPO),
    )  # fmt: skip
    assert "zelf-schrijven" not in (site / "admin" / "index.html").read_text("utf-8")
    (site / "zelf-schrijven").mkdir()
    (site / "zelf-schrijven" / "index.html").write_text("<h1>Zelf schrijven</h1>", "utf-8")
    write_editor(
        site, ROOT, corpus.schema, corpus.vocabulary, repo=REPO, site_url=SITE_URL,
        sign_in=SignIn(repo=REPO),
    )  # fmt: skip
    assert sorted(p.name for p in (site / "admin").iterdir()) == ["index.html"]  # no Decap
    with serve(site) as base:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "admin/", wait_until="load")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Inloggen in de editor is nog niet ingesteld"
        )
        assert page.get_by_role("button").count() == 0  # no dead sign-in button
        assert page.get_by_role("link", name="GitHub").get_attribute("href") == (
            f"https://github.com/{REPO}/tree/main/docs"
        )
        assert page.get_by_role("link", name="Zelf schrijven").get_attribute("href") == (
            "../zelf-schrijven/"
        )
        page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
        violations = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a','wcag2aa','wcag21a','wcag21aa']}}).then(r => r.violations.map(v => v.id))"
        )
        context.close()
        shots = _shots()
        if shots:
            _screens(browser.new_context, base + "admin/", "admin-niet-ingesteld", shots)
    assert violations == [] and errors == []


@PUBLISH
def test_an_author_signs_in_saves_a_draft_and_sees_its_preview(browser, tmp_path):
    """The published editor against the project's OAuth provider (a real process) and the
    stand-in for GitHub: the whole round an author makes, in one load of the editor. The site is
    built with the sign-in settings in its mkdocs.yml, as a maintainer sets them up."""
    from conftest import make_site_project, run_build

    config = make_site_project(tmp_path / "project")
    docs = tmp_path / "project" / "docs"
    git = GitHubStandIn(
        standin_repository(tmp_path / "repo.git", docs), REPO, CLIENT_ID, CLIENT_SECRET
    )
    github = git.start()
    provider_port = _free_port()
    provider_url = f"http://127.0.0.1:{provider_port}"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "  - koppelkansen\n",
            "  - koppelkansen:\n"
            "      pdf: false\n"
            "      editor_sign_in:\n"
            f"        repo: {REPO}\n"
            f"        oauth_provider: {provider_url}\n"
            f"        api_root: {github}/api\n",
        ),
        encoding="utf-8",
    )
    site = tmp_path / "project" / "site"
    built = run_build(config, site)
    assert built.returncode == 0, built.stderr
    preview = "https://koppelkansen.github.io/plannen/voorstel/1/"

    def preview_workflow_starts(pull, head: str) -> None:
        # As .github/workflows/pull-request.yml does when the pull request opens.
        git.statuses[head] = [{"state": "pending", "target_url": "", "context": PREVIEW_CONTEXT}]

    git.on_pull_request = preview_workflow_starts
    provider = None
    shots = _shots()
    try:
        with serve(site) as base:
            origin = base.rsplit("/test/", 1)[0]
            provider = _provider(
                provider_port, {**_env(github, origin), "AANMELDEN_URL": provider_url}
            )
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(30_000)  # generous: the machine may be busy
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "admin/", wait_until="load")
            with context.expect_page() as popup_info:
                page.get_by_role("button", name="Inloggen met GitHub").click()
            popup = popup_info.value
            # Signed in: the editor shows its collections; Decap closed the pop-up once it had the
            # token (possibly before this line runs: then there is no close event left to wait for).
            page.get_by_role("link", name="Sessies").first.wait_for()
            if not popup.is_closed():
                popup.wait_for_event("close")
            assert popup.url.startswith(f"{provider_url}/callback?code=")
            assert len(git.tokens) == 1

            page.goto(base + "admin/#/collections/sessie/new")
            page.get_by_label("Titel", exact=True).fill("Werksessie Haven-Stad")
            for label, option in (
                ("Casusgebied", "Haven-Stad"),
                ("Soort sessie", "Ontwerpatelier"),
                ("Leerronde", "Leerronde 2019: ontwerpateliers"),
            ):
                page.get_by_label(label, exact=True).click()
                page.get_by_text(option, exact=True).last.click()
            page.get_by_label("Datum", exact=True).fill("2019-03")
            page.get_by_role("button", name="Opslaan").click()
            _until(lambda: git.pulls, "een pull request")
            pull = git.pulls[0]
            # In the authors' language (config.COMMIT_MESSAGES), not Decap's "Create Sessie".
            assert pull.title == "Sessie “haven-stad/werksessie-haven-stad” toegevoegd", pull.title
            page.get_by_role("button", name="Status: Concept").wait_for()
            if shots:
                page.screenshot(path=str(shots / "editor-concept-1280.png"))
            page.get_by_role("button", name="Status: Concept").click()
            page.get_by_role("menuitem", name="Wordt beoordeeld").click()
            _until(lambda: pull.labels == ["decap-cms/pending_review"], "het label in review")

            # The preview workflow is done: its commit status on the branch's head links the
            # proposal's site (.github/workflows/pull-request.yml); Decap shows it on request.
            head = git.ref(pull.head)
            request = urllib.request.Request(
                f"{github}/api/repos/{REPO}/statuses/{head}",
                data=json.dumps(
                    {"state": "success", "target_url": preview, "context": PREVIEW_CONTEXT}
                ).encode(),
                headers={"Authorization": f"token {next(iter(git.tokens))}"},
                method="POST",
            )
            urllib.request.urlopen(request).close()
            # She finds her proposal on the workflow board and opens it: the editor asks the Git
            # host for the preview of its branch.
            page.goto(base + "admin/#/workflow")  # the same document: Decap is not loaded again
            page.get_by_role("heading", name="Werksessie Haven-Stad").wait_for()
            if shots:
                page.screenshot(path=str(shots / "editor-workflow-1280.png"))
            page.get_by_role("heading", name="Werksessie Haven-Stad").click()
            link = page.get_by_role("link", name="Bekijk voorvertoning")
            assert link.get_attribute("href") == preview
            if shots:  # without the passing notices, which cover the toolbar for a few seconds
                page.add_style_tag(content=".notif__container { display: none !important; }")
                page.screenshot(path=str(shots / "editor-voorvertoning-1280.png"))
            # On a phone every button of Decap's top bar is on the screen, and the form starts
            # below the bar (the publish menu ran off the screen).
            page.set_viewport_size({"width": 375, "height": 812})
            page.get_by_role("button", name="Publiceer", exact=True).wait_for()
            off = page.evaluate(
                """() => {
                  const bar = document.querySelector('[class*="-ToolbarContainer"]');
                  const controls = [...bar.querySelectorAll('button, a, [role=button]')]
                    .filter(e => e.getBoundingClientRect().width > 0);
                  const out = controls.filter(e => e.getBoundingClientRect().right > innerWidth
                    || e.getBoundingClientRect().left < 0).map(e => e.textContent.trim());
                  const field = [...document.querySelectorAll('label')]
                    .find(l => l.textContent.trim() === 'Titel');
                  if (field.getBoundingClientRect().top < bar.getBoundingClientRect().bottom)
                    out.push('het formulier begint onder de balk');
                  return [controls.length, out];
                }"""
            )
            assert off[0] >= 5 and off[1] == [], off
            if shots:
                page.screenshot(path=str(shots / "editor-voorvertoning-375.png"))
            context.close()
            if shots:  # the provider's pages: a refusal, and the answer outside a pop-up
                _screens(
                    browser.new_context,
                    f"{provider_url}/auth?provider=github&site_id=elders.example&scope=repo",
                    "aanmelden-geweigerd",
                    shots,
                )
                _screens(
                    browser.new_context,
                    f"{provider_url}/auth?provider=github&site_id=127.0.0.1&scope=repo",
                    "aanmelden-zonder-editor",
                    shots,
                )
    finally:
        git.stop()
        if provider is not None:
            provider.terminate()
            provider.communicate(timeout=5)
    # The draft: a cms/ branch and a pull request to main holding exactly the new page.
    assert pull.head == "cms/sessie/haven-stad/werksessie-haven-stad" and pull.base == "main"
    path = "docs/casussen/haven-stad/werksessie-haven-stad.md"
    changed = git.changed_files("main", pull.head)
    assert list(changed) == [path] and changed[path][0] == "added"
    text = git.git("show", f"{pull.head}:{path}")
    assert text.startswith("---\ntitle: Werksessie Haven-Stad\ntype: sessie\nstatus: concept\n")
    assert git.ref("main") == git.git("rev-parse", "main").strip()  # main untouched
    assert len(git.git("rev-list", "main").split()) == 1
    assert git.unknown == [] and errors == []


@PUBLISH
def test_make_proef_aanmelden_lets_a_new_author_sign_in_against_the_standin(browser, made_venv):
    """The make target itself, run for real: the site built for the stand-in, the stand-in and the
    real OAuth provider; the address printed last, in Dutch; signing in on the built site's
    /admin/ reaches the collections; Ctrl+C stops all of it and leaves nothing behind."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    log = (Path(os.environ["TMPDIR"]) / "proef-aanmelden.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        ["make", "-s", "--no-print-directory", "proef-aanmelden"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,  # Ctrl+C reaches make and everything it started
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and printed[-1:] != ["Stoppen: Ctrl+C.\n"]:
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line)
        assert printed[-1:] == ["Stoppen: Ctrl+C.\n"], printed
        shown = "".join(printed[-7:])
        assert "GitHub is hier een stand-in op deze computer" in shown
        admin = re.search(r"Open (http://127\.0\.0\.1:\d+/plannen/admin/) en kies", shown)
        pulls = re.search(r"Je pull requests: (http://127\.0\.0\.1:\d+/koppelkansen/plannen/pulls)", shown)  # fmt: skip
        assert admin and pulls, shown
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(admin.group(1), wait_until="load")
        with context.expect_page() as popup_info:
            page.get_by_role("button", name="Inloggen met GitHub").click()
        page.get_by_role("link", name="Sessies").first.wait_for()
        assert popup_info.value.url.startswith("http://127.0.0.1:")
        page.goto(pulls.group(1))
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Pull requests van koppelkansen/plannen"
        )
        assert page.get_by_text("de stand-in voor GitHub op je eigen computer").is_visible()
        context.close()
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        try:
            process.communicate(timeout=30)
        finally:
            log.close()
    written = (Path(os.environ["TMPDIR"]) / "proef-aanmelden.log").read_text()
    assert "Traceback" not in written, written
    with pytest.raises(ProcessLookupError):  # nothing of it left running
        os.killpg(process.pid, 0)
    for address in (admin.group(1), pulls.group(1)):
        port = int(address.split(":")[2].split("/")[0])
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 0.5).close()
    assert list(Path(os.environ["TMPDIR"]).glob("proef-aanmelden-*")) == []
