"""The GitHub Pages branch: the published site at its root, each proposal's preview below it.

GitHub Pages serves one site per repository. The workflows publish into one branch
(``gh-pages``, served by Pages "from a branch"):

- ``site SITE``: the site built from ``main`` at the root (``.github/workflows/ci.yml``), with the
  previews that are there kept;
- ``voorbeeld SITE --nummer N``: a pull request's site with its change page and PDF at
  ``voorstel/N/`` (``.github/workflows/pull-request.yml``), and its address as the commit status
  that Decap shows as the preview link (``--sha``), and in the job summary (``--samenvatting``);
- ``weg --nummer N``: that preview removed when the pull request closes.

Every publication is one commit without parents (the branch holds what is served, no history that
would grow with every preview) pushed with ``--force-with-lease`` on the commit it was made from,
tried again when another job published in between. Only the standard library and git: the jobs
that run it install nothing. ``GH_TOKEN`` (the workflow's token) authorises the push and the
status; it reaches git as a header for that one command, never in ``.git/config``.
See docs-dev/editor.md ("Previews") and docs-dev/threat-model.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

BRANCH = "gh-pages"
PREVIEWS = "voorstel"
#: The commit status Decap shows as the preview link (its backend's ``preview_context``,
#: koppelkansen/editor/signin.py).
CONTEXT = "Voorbeeld van het voorstel"
ATTEMPTS = 5
#: Who makes the branch's commits (a runner has no git identity).
IDENTITY = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
}


class Stop(Exception):
    """A Dutch message for the log; the script exits with 1."""


def git(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], capture_output=True, input=stdin, env={**os.environ, **(env or {})}
    )
    if done.returncode != 0:
        raise Stop(f"git {args[0]} mislukte: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


def _auth(remote: str) -> list[str]:
    """git options that authorise ``remote`` with GH_TOKEN, for one command."""
    token = os.environ.get("GH_TOKEN", "")
    if not token or not remote.startswith("https://"):
        return []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return ["-c", f"http.extraheader=AUTHORIZATION: basic {basic}"]


def fetch(remote: str) -> str | None:
    """The commit of the Pages branch on ``remote``, or None before the first publication."""
    heads = git(*_auth(remote), "ls-remote", "--heads", remote, BRANCH)
    if not heads:
        return None
    git(*_auth(remote), "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{BRANCH}")
    return heads.split()[0]


def tree_of(folder: Path) -> str:
    """The git tree of every file in ``folder`` (no ignore rules: the site as built)."""
    if not folder.is_dir():
        raise Stop(f"{folder}: de map met de site bestaat niet.")
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git("--work-tree", str(folder), "add", "--all", "--force", ".", env=env)
        return git("write-tree", env=env)


def publish(remote: str, change, message: str) -> str:
    """Make the branch's next tree with ``change(index_env, old_commit)`` and push it; again
    from the new state when another job pushed in between. Returns the commit."""
    for _ in range(ATTEMPTS):
        old = fetch(remote)
        with tempfile.TemporaryDirectory() as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            if old is not None:
                git("read-tree", old, env=env)
            else:
                git("read-tree", "--empty", env=env)
            change(env, old)
            # Pages from a branch runs Jekyll unless told not to (it would drop files named _…).
            empty = git("hash-object", "-w", "--stdin", stdin=b"")
            git("update-index", "--add", "--cacheinfo", f"100644,{empty},.nojekyll", env=env)
            tree = git("write-tree", env=env)
        commit = git("commit-tree", tree, "-m", message, env=IDENTITY)
        lease = f"--force-with-lease=refs/heads/{BRANCH}:{old or ''}"
        done = subprocess.run(
            [
                "git",
                *_auth(remote),
                "push",
                "--quiet",
                lease,
                remote,
                f"{commit}:refs/heads/{BRANCH}",
            ],
            capture_output=True,
        )
        if done.returncode == 0:
            return commit
        error = done.stderr.decode(errors="replace")
        if "(stale info)" not in error and "(fetch first)" not in error:  # not a race
            raise Stop(f"git push naar {BRANCH} mislukte: {error.strip()}")
    raise Stop(
        f"{BRANCH} op {remote} veranderde {ATTEMPTS} keer tijdens het publiceren; probeer opnieuw."
    )


def _remove(env: dict[str, str], path: str) -> None:
    git("rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", path, env=env)


def publish_site(remote: str, site: Path) -> str:
    if (site / PREVIEWS).exists():
        raise Stop(f"{site / PREVIEWS}: deze map is voor de voorbeelden van voorstellen.")
    tree = tree_of(site)

    def change(env: dict[str, str], old: str | None) -> None:
        kept = None
        if old is not None:
            kept = subprocess.run(
                ["git", "rev-parse", "--verify", "--quiet", f"{old}:{PREVIEWS}"],
                capture_output=True,
                text=True,
            ).stdout.strip()
        git("read-tree", tree, env=env)
        if kept:
            git("read-tree", f"--prefix={PREVIEWS}/", kept, env=env)

    return publish(remote, change, "De site")


def publish_preview(remote: str, site: Path, number: int) -> str:
    tree = tree_of(site)

    def change(env: dict[str, str], old: str | None) -> None:
        _remove(env, f"{PREVIEWS}/{number}")
        git("read-tree", f"--prefix={PREVIEWS}/{number}/", tree, env=env)

    return publish(remote, change, f"Voorbeeld van voorstel {number}")


def remove_preview(remote: str, number: int) -> str:
    return publish(
        remote, lambda env, old: _remove(env, f"{PREVIEWS}/{number}"), f"Voorstel {number} weg"
    )


def site_url(config: Path) -> str:
    match = re.search(r"^site_url:\s*(\S+)\s*$", config.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise Stop(f"{config}: geen site_url; het adres van het voorbeeld is niet te bepalen.")
    return match.group(1).rstrip("/") + "/"


def set_status(repo: str, sha: str, url: str) -> None:
    """The commit status on the pull request's head: Decap's preview link."""
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    request = urllib.request.Request(
        f"{api}/repos/{repo}/statuses/{sha}",
        data=json.dumps(
            {
                "state": "success",
                "target_url": url,
                "context": CONTEXT,
                "description": "De site met de wijzigingen van dit voorstel",
            }
        ).encode(),
        headers={
            "Authorization": f"Bearer {os.environ.get('GH_TOKEN', '')}",
            "Accept": "application/vnd.github+json",
        },
        method="POST",
    )
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except OSError as error:
        raise Stop(f"de status van {sha[:12]} is niet gezet: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/pages.py", description=__doc__.split("\n")[0])
    parser.add_argument("--remote", default=None, help="standaard: origin van deze checkout")
    commands = parser.add_subparsers(dest="command", required=True)
    site = commands.add_parser("site", help="de site van main in de root")
    site.add_argument("site", type=Path)
    preview = commands.add_parser("voorbeeld", help="de site van een voorstel in voorstel/N/")
    preview.add_argument("site", type=Path)
    preview.add_argument("--nummer", type=int, required=True)
    preview.add_argument("--sha", help="zet de status met het adres op deze commit")
    preview.add_argument("--repo", help="eigenaar/naam (voor de status)")
    preview.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    preview.add_argument("--samenvatting", type=Path, help="voeg het adres toe aan dit bestand")
    gone = commands.add_parser("weg", help="het voorbeeld van voorstel N weghalen")
    gone.add_argument("--nummer", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        remote = args.remote or git("remote", "get-url", "origin")
        if args.command == "site":
            publish_site(remote, args.site)
            print(f"De site staat in {BRANCH}.")
        elif args.command == "voorbeeld":
            if args.nummer <= 0:
                raise Stop("--nummer moet het nummer van het voorstel zijn.")
            url = f"{site_url(args.config_file)}{PREVIEWS}/{args.nummer}/"
            publish_preview(remote, args.site, args.nummer)
            if args.sha and args.repo:
                set_status(args.repo, args.sha, url)
            if args.samenvatting:
                with args.samenvatting.open("a", encoding="utf-8") as summary:
                    summary.write(
                        f"\n**Voorbeeld van de site met dit voorstel:** <{url}> "
                        "(staat er binnen een paar minuten)\n"
                    )
            print(f"Voorbeeld: {url}")
        else:
            remove_preview(remote, args.nummer)
            print(f"Het voorbeeld van voorstel {args.nummer} is weggehaald.")
    except Stop as stop:
        print(f"scripts/pages.py: {stop}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
