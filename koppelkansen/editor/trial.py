"""``make proef-aanmelden``: try the published editor's sign-in on one's own computer, against
the STAND-IN for GitHub (:mod:`koppelkansen.editor.standin`), as a new author would
(docs-dev/editor.md, "Trying the sign-in").

Starts, all on 127.0.0.1 and on free ports, and stops together on Ctrl+C:

- the stand-in for GitHub, over a bare copy of this checkout's ``docs/`` (a scratch folder);
- the project's OAuth provider (``python -m koppelkansen.editor.oauth``, a real process, with a
  client id and secret made up for this run, which the stand-in accepts);
- the site, built from this checkout with ``editor_sign_in`` pointing at those two (no PDFs),
  served as it would be published, below ``/plannen/``.

A draft saved in the editor becomes a branch and a pull request on the stand-in; its "preview"
commit status (which the pull-request workflow sets on GitHub) links to the site served here.
Nothing is written in the checkout; the scratch folder is removed at the end.
"""

from __future__ import annotations

import argparse
import functools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from koppelkansen.editor.config import repository
from koppelkansen.editor.signin import PREVIEW_CONTEXT
from koppelkansen.editor.standin import GitHubStandIn, Pull, QuietServer, standin_repository

#: The folder the site is served under, as on GitHub Pages.
SITE_PATH = "plannen"
#: The repository when ``site_url`` names none.
DEFAULT_REPO = "koppelkansen/plannen"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _project_config(root: Path) -> dict[str, Any]:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    return config if isinstance(config, dict) else {}


def trial_repo(root: Path) -> str:
    """The repository's name (``owner/name``), from the site's address."""
    return repository(str(_project_config(root).get("site_url", ""))) or DEFAULT_REPO


def trial_config(root: Path, target: Path, *, site: str, provider: str, standin: str) -> None:
    """The project's ``mkdocs.yml`` with the sign-in set up for the stand-in (and no PDFs),
    written to ``target``."""
    config = _project_config(root)
    repo = trial_repo(root)
    config["docs_dir"] = str(root / config.get("docs_dir", "docs"))
    theme = config.get("theme", {})
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(root / theme["custom_dir"])
    config["site_url"] = site
    sign_in = {
        "host": "github",
        "repo": repo,
        "oauth_provider": provider,
        "api_root": f"{standin}/api",
    }
    plugins: list[Any] = []
    for plugin in config.get("plugins", []):
        if plugin == "koppelkansen" or (isinstance(plugin, dict) and "koppelkansen" in plugin):
            options = plugin["koppelkansen"] if isinstance(plugin, dict) else {}
            plugin = {"koppelkansen": {**(options or {}), "pdf": False, "editor_sign_in": sign_in}}
        plugins.append(plugin)
    config["plugins"] = plugins
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                "De aanmeldserver stopte meteen:\n" + log.read_text("utf-8", errors="replace")
            )
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"De aanmeldserver luistert na 30 s nog niet op poort {port}.")


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make proef-aanmelden",
        description="Probeer het inloggen in de editor van de site, met een stand-in voor GitHub.",
    )
    parser.add_argument("--map", type=Path, default=Path.cwd(), help="de projectmap (mkdocs.yml)")
    args = parser.parse_args(argv)
    root = args.map.resolve()
    if not (root / "mkdocs.yml").is_file():
        print(f"Geen mkdocs.yml in {root}: draai dit in de map van het project.", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)
    # Ctrl+C stops it even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    scratch = Path(tempfile.mkdtemp(prefix="proef-aanmelden-"))
    standin: GitHubStandIn | None = None
    provider: subprocess.Popen[bytes] | None = None
    server: QuietServer | None = None
    try:
        site_port, provider_port = free_port(), free_port()
        site_root = f"http://127.0.0.1:{site_port}"
        site = f"{site_root}/{SITE_PATH}/"
        provider_url = f"http://127.0.0.1:{provider_port}"
        client_id, client_secret = "proef-" + secrets.token_hex(4), secrets.token_urlsafe(24)
        config = scratch / "mkdocs.yml"
        repo = trial_repo(root)
        print("De stand-in voor GitHub starten (een kopie van docs/)…", flush=True)
        bare = standin_repository(scratch / "repo.git", root / "docs")
        standin = GitHubStandIn(bare, repo, client_id, client_secret)
        standin_url = standin.start()

        def preview_done(pull: Pull, head: str) -> None:
            # What the pull-request workflow does on GitHub: a commit status with the preview.
            assert standin is not None
            standin.statuses[head] = [
                {"state": "success", "target_url": site, "context": PREVIEW_CONTEXT}
            ]

        standin.on_pull_request = preview_done
        trial_config(root, config, site=site, provider=provider_url, standin=standin_url)
        print("De site bouwen (zonder pdf's)…", flush=True)
        (scratch / "www").mkdir()
        log = scratch / "bouw.log"
        with log.open("w", encoding="utf-8") as out:
            built = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "koppelkansen",
                    "build",
                    "--config-file",
                    str(config),
                    "--site-dir",
                    str(scratch / "www" / SITE_PATH),
                ],
                cwd=root,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                check=False,
            )
        if built.returncode != 0:
            print(log.read_text("utf-8", errors="replace")[-4000:], file=sys.stderr)
            print("De site is niet gebouwd; zie de meldingen hierboven.", file=sys.stderr)
            return 1
        provider_log = scratch / "aanmelden.log"
        with provider_log.open("wb") as binary:
            provider = subprocess.Popen(
                [sys.executable, "-m", "koppelkansen.editor.oauth"],
                env={
                    **os.environ,
                    "AANMELDEN_CLIENT_ID": client_id,
                    "AANMELDEN_CLIENT_SECRET": client_secret,
                    "AANMELDEN_URL": provider_url,
                    "AANMELDEN_SITE_ORIGIN": site_root,
                    "AANMELDEN_GITHUB_URL": standin_url,
                    "AANMELDEN_LISTEN": f"127.0.0.1:{provider_port}",
                },
                stdout=binary,
                stderr=subprocess.STDOUT,
            )
        _wait_for(provider_port, provider, provider_log)
        handler = functools.partial(_Quiet, directory=str(scratch / "www"))
        server = QuietServer(("127.0.0.1", site_port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(
            "\nDe proef staat klaar. GitHub is hier een stand-in op deze computer: er gaat niets "
            "naar github.com en niets in deze map verandert.\n"
            f"1. Open {site}admin/ en kies 'Inloggen met GitHub'; de stand-in keurt je "
            "aanmelding meteen goed.\n"
            "2. Kies Sessies en '＋ Sessie', vul het formulier in en kies Opslaan: dat is een "
            "concept, een branch en een pull request op de stand-in.\n"
            "3. Onder 'Workflow' staat je concept; open het en kies 'Bekijk voorvertoning' (in de "
            "proef is dat deze site, zonder je wijziging).\n"
            f"4. Je pull requests: {standin_url}/{repo}/pulls\n"
            "Stoppen: Ctrl+C.",
            flush=True,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nGestopt.", file=sys.stderr)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the clean-up is not interrupted
        if server is not None:
            server.shutdown()
            server.server_close()
        if provider is not None:
            provider.terminate()
            try:
                provider.wait(timeout=10)
            except subprocess.TimeoutExpired:
                provider.kill()
                provider.wait()
        if standin is not None:
            standin.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
