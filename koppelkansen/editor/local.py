"""``make schrijven``: the editor against this checkout (docs-dev/editor.md).

Starts two processes on 127.0.0.1 and stops them together:

- ``localserver.js`` (Node): decap-server's git mode behind a guard (Host, Origin, a secret of
  this run, only pages and media below ``docs/``), started with a clean environment in an empty
  working directory, so nothing in the checkout (a ``.env``, ``NODE_OPTIONS``) configures it;
- the live preview (``mkdocs serve``), whose ``/admin/config.yml`` points the editor at the guard
  with the secret in the URL: only the editor's page, on the preview's origin, can read it.

The editor's address is printed last, once both answer.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from koppelkansen.editor.admin import LOCAL_BACKEND_ENV, LOCAL_BRANCH_ENV
from koppelkansen.gitcommand import run_git

HERE = Path(__file__).resolve().parent
GUARD = HERE / "localserver.js"
#: The variables the guard's process gets from ours (the rest is set here).
PASSED = ("PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "LANG", "TZ")


def current_branch(root: Path) -> str:
    """The branch the editor works on; a Dutch SystemExit when there is none."""
    result = run_git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if result.returncode != 0:
        raise SystemExit(
            f"{root} is geen git-kopie op een branch (git: {result.stderr.strip() or 'geen branch'}"
            "). Maak een kopie met 'git clone' (zie docs/zelf-schrijven.md) en draai 'make "
            "schrijven' daarin, op een branch (bijvoorbeeld 'git switch main')."
        )
    return result.stdout.strip()


def unsaved_changes(root: Path) -> list[str]:
    """Changed or new files that git does not hold yet: the editor's git mode would commit them."""
    result = run_git(root, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in result.stdout.splitlines() if line.strip()]


def guard_env(root: Path, *, port: int, secret: str, origins: list[str]) -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED if name in os.environ}
    env.update(
        KK_PORT=str(port),
        KK_SECRET=secret,
        KK_ORIGINS=" ".join(origins),
        KK_DECAP_SERVER=str(root / "node_modules" / "decap-server"),
        GIT_REPO_DIRECTORY=str(root),
    )
    if not run_git(root, "config", "user.email").stdout.strip():
        # git commits nothing without a name; an author who never set one still saves.
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = "Auteur (editor)"
            env[f"GIT_{role}_EMAIL"] = "editor@localhost"
    return env


def start_guard(
    root: Path, *, port: int, secret: str, origins: list[str], workdir: Path
) -> subprocess.Popen[bytes]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js ontbreekt: installeer het (zie docs/zelf-schrijven.md).")
    return subprocess.Popen(
        [node, str(GUARD)],
        cwd=workdir,
        env=guard_env(root, port=port, secret=secret, origins=origins),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )


def wait_for(port: int, processes: list[subprocess.Popen[bytes]], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(
                    f"Een onderdeel van de editor stopte (code {process.returncode}); "
                    "zie de meldingen hierboven."
                )
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"Niets antwoordt op 127.0.0.1:{port} na {seconds:.0f} s.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="koppelkansen.editor.local")
    parser.add_argument("--site-port", type=int, default=8000)
    parser.add_argument("--editor-port", type=int, default=8081)
    parser.add_argument("--base", default="/plannen/", help="the site's path (from site_url)")
    args = parser.parse_args(argv)
    root = Path.cwd().resolve()
    branch = current_branch(root)
    pending = unsaved_changes(root)
    if pending:
        listed = "\n".join(f"  {name}" for name in pending[:10])
        more = f"\n  … en {len(pending) - 10} meer" if len(pending) > 10 else ""
        print(
            "De editor bewaart elke wijziging als git-commit en zou deze bestanden meenemen, "
            f"die nog niet in git staan:\n{listed}{more}\nBewaar ze eerst ('git add' en 'git "
            "commit') of zet ze opzij ('git stash'), en start 'make schrijven' opnieuw.",
            file=sys.stderr,
        )
        return 1
    secret = secrets.token_urlsafe(32)
    site = f"127.0.0.1:{args.site_port}"
    origins = [f"http://{site}", f"http://localhost:{args.site_port}"]
    processes: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="kk-editor-") as workdir:
        try:
            processes.append(
                start_guard(
                    root,
                    port=args.editor_port,
                    secret=secret,
                    origins=origins,
                    workdir=Path(workdir),
                )
            )
            env = {
                **os.environ,
                LOCAL_BACKEND_ENV: f"http://127.0.0.1:{args.editor_port}/api/v1/{secret}",
                LOCAL_BRANCH_ENV: branch,
            }
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "mkdocs", "serve", "--quiet", "--dev-addr", site],
                    cwd=root,
                    env=env,
                    stdin=subprocess.DEVNULL,
                )
            )
            wait_for(args.editor_port, processes)
            wait_for(args.site_port, processes)
            print(
                f"\nDe editor staat klaar: http://{site}{args.base}admin/\n"
                f"De site ernaast: http://{site}{args.base}\n"
                "Stoppen: Ctrl+C.",
                flush=True,
            )
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            stop()


if __name__ == "__main__":
    raise SystemExit(main())
