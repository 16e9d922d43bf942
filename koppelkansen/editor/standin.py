"""A STAND-IN for GitHub: its OAuth endpoints and the few REST calls that Decap's GitHub backend
makes, on 127.0.0.1, over a real (bare) git repository. For the tests
(``tests/test_editor_publish.py``) and for trying the published editor's sign-in on one's own
computer (``make proef-aanmelden``, :mod:`koppelkansen.editor.trial`); never for real work.

It is not GitHub and does not try to be: it answers only what the published editor asks when an
author signs in, opens a collection, saves a page as a draft (a ``cms/…`` branch and a pull
request with a label), changes its state (the label) and looks for its preview (a commit
status), plus one page of its own, ``/<owner>/<repo>/pulls``, that lists the pull requests in
Dutch. An unknown call is answered 404 and recorded in :attr:`GitHubStandIn.unknown`, so a
test sees when Decap asks for something new. Git objects are made by git itself (``hash-object``,
``read-tree``/``update-index``/``write-tree``, ``commit-tree``, ``update-ref``), so their ids are
real.

OAuth: ``/login/oauth/authorize`` approves at once (the author "clicks Authorise") and sends the
browser back to the ``redirect_uri`` with a code; ``/login/oauth/access_token`` exchanges that
code for a token when the client id and secret are right. ``deny`` and ``token_error`` make it
answer as GitHub does when the author refuses or the code is bad.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

AUTHOR = {"login": "auteur", "name": "Auteur van Koppelkansen", "id": 1, "avatar_url": ""}
_ENV = {
    "GIT_AUTHOR_NAME": "Auteur",
    "GIT_AUTHOR_EMAIL": "auteur@example.org",
    "GIT_COMMITTER_NAME": "Auteur",
    "GIT_COMMITTER_EMAIL": "auteur@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class QuietServer(ThreadingHTTPServer):
    """A threading server that says nothing when the browser goes away mid-answer (a closed tab,
    a cancelled request): that is no error of the stand-in's."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class NotFound(Exception):
    pass


class Unprocessable(Exception):
    pass


@dataclass
class Pull:
    number: int
    title: str
    head: str
    base: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)


class GitHubStandIn:
    """A stand-in for github.com and api.github.com (under ``/api``) for one repository."""

    def __init__(self, git_dir: Path, repo: str, client_id: str, client_secret: str) -> None:
        self.git_dir = git_dir
        self.repo = repo
        self.client_id = client_id
        self.client_secret = client_secret
        self.codes: dict[str, str] = {}
        self.tokens: set[str] = set()
        self.pulls: list[Pull] = []
        self.statuses: dict[str, list[dict[str, str]]] = {}
        self.unknown: list[str] = []
        self.calls: list[str] = []
        self.deny = False
        self.token_error = False
        #: Called with (pull request, head commit) when a pull request is opened: what a CI
        #: workflow on ``pull_request`` would start (the tests set a pending commit status).
        self.on_pull_request: Callable[[Pull, str], None] | None = None
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # -- git ------------------------------------------------------------------------------------
    def git(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args],
            input=stdin,
            capture_output=True,
            env={**os.environ, **_ENV, **(env or {})},
        )
        if done.returncode != 0:
            raise NotFound(done.stderr.decode(errors="replace"))
        return done.stdout.decode()

    def ref(self, name: str) -> str | None:
        try:
            return self.git(
                "rev-parse", "--verify", "--quiet", f"refs/heads/{name}^{{commit}}"
            ).strip()
        except NotFound:
            return None

    def branch_of(self, head: str) -> str:
        return head.split(":", 1)[1] if ":" in head else head

    def files(self, rev: str) -> dict[str, str]:
        """Path -> blob id of the tree of ``rev``."""
        out = self.git("ls-tree", "-r", "-z", rev)
        entries = {}
        for line in out.split("\0"):
            if line:
                meta, path = line.split("\t", 1)
                entries[path] = meta.split()[2]
        return entries

    def changed_files(self, base: str, head: str) -> dict[str, tuple[str, str | None]]:
        """What the pull request of ``head`` changes against ``base``: path -> (GitHub's status
        word, blob; None when the file is gone)."""
        base_sha = self.ref(base) or base
        head_sha = self.ref(self.branch_of(head)) or head
        merge_base = self.git("merge-base", base_sha, head_sha).strip()
        before, after = self.files(merge_base), self.files(head_sha)
        return {
            path: (
                "removed" if path not in after else "modified" if path in before else "added",
                after.get(path),
            )
            for path in sorted(set(before) | set(after))
            if before.get(path) != after.get(path)
        }

    # -- the server -----------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (``port`` 0: a free one); returns the base address."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
                self.send_header(
                    "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"
                )

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with standin.lock:
                    status, headers, payload = standin.answer(
                        self.command, self.path, dict(self.headers), body
                    )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self._cors()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = QuietServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- routing --------------------------------------------------------------------------------
    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.calls.append(f"{method} {path}")
        if path == "/login/oauth/authorize":
            return self.authorize(query)
        if path == "/login/oauth/access_token" and method == "POST":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return self.json(200, self.access_token(form))
        if path == f"/{self.repo}/pulls" and method == "GET":
            return self.pulls_page()
        if not path.startswith("/api/"):
            return self.json(404, {"message": "Not Found"})
        auth = headers.get("Authorization", "")
        if auth.split(" ", 1)[-1] not in self.tokens:
            return self.json(401, {"message": "Bad credentials"})
        data = json.loads(body) if body else {}
        try:
            return self.api(method, path[len("/api") :], query, data)
        except NotFound:
            return self.json(404, {"message": "Not Found"})
        except Unprocessable as error:
            return self.json(422, {"message": str(error)})

    def pulls_page(self) -> tuple[int, dict[str, str], bytes]:
        """The pull requests, in Dutch: branch, state (Decap's label), files, preview link."""
        labels = {
            "decap-cms/draft": "Concept",
            "decap-cms/pending_review": "Wordt beoordeeld",
            "decap-cms/pending_publish": "Klaar",
        }
        items = []
        for pull in self.pulls:
            files = "".join(
                f"<li><code>{html.escape(path)}</code> ({html.escape(word)})</li>"
                for path, (word, _) in self.changed_files(pull.base, pull.head).items()
            )
            state = ", ".join(html.escape(labels.get(name, name)) for name in pull.labels)
            head = self.ref(self.branch_of(pull.head)) or ""
            links = "".join(
                f'<li><a href="{html.escape(s["target_url"])}">{html.escape(s["context"])}</a>'
                f" ({html.escape(s['state'])})</li>"
                for s in self.statuses.get(head, [])
                if s.get("target_url")
            )
            items.append(
                f"<li><h2>#{pull.number} {html.escape(pull.title)}</h2>"
                f"<p>Van <code>{html.escape(pull.head)}</code> naar "
                f"<code>{html.escape(pull.base)}</code>; status: {state or 'geen'}; "
                f"{'open' if pull.state == 'open' else 'gesloten'}.</p>"
                f"<p>Bestanden:</p><ul>{files}</ul>"
                f"<p>Voorbeeld:</p><ul>{links or '<li>nog geen</li>'}</ul></li>"
            )
        body = (
            '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Pull requests (stand-in)</title></head>"
            '<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 50em; margin: 1em auto;'
            ' padding: 0 1em; overflow-wrap: anywhere; color-scheme: light dark">'
            f"<h1>Pull requests van {html.escape(self.repo)}</h1>"
            "<p>Dit is de stand-in voor GitHub op je eigen computer, niet GitHub zelf.</p>"
            f"<ol>{''.join(items) or '<li>Nog geen pull requests.</li>'}</ol></body></html>"
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    @staticmethod
    def json(status: int, value: Any) -> tuple[int, dict[str, str], bytes]:
        return (
            status,
            {"Content-Type": "application/json; charset=utf-8"},
            json.dumps(value).encode(),
        )

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if query.get("client_id") != self.client_id:
            return self.json(404, {"message": "Not Found"})
        redirect = query["redirect_uri"]
        if self.deny:
            answer = {"error": "access_denied", "state": query.get("state", "")}
        else:
            code = secrets.token_hex(10)
            self.codes[code] = query.get("scope", "")
            answer = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{redirect}?{urlencode(answer)}"}, b""

    def access_token(self, form: dict[str, str]) -> dict[str, str]:
        if self.token_error or form.get("client_secret") != self.client_secret:
            return {"error": "bad_verification_code", "error_description": "The code is wrong."}
        if form.get("client_id") != self.client_id or form.get("code") not in self.codes:
            return {"error": "bad_verification_code", "error_description": "The code is wrong."}
        scope = self.codes.pop(form["code"])
        token = "gho_standin_" + secrets.token_hex(12)
        self.tokens.add(token)
        return {"access_token": token, "token_type": "bearer", "scope": scope}

    def commit_json(self, sha: str) -> dict[str, Any]:
        tree = self.git("rev-parse", f"{sha}^{{tree}}").strip()
        parents = self.git("rev-list", "--parents", "-n", "1", sha).split()[1:]
        author = self.git("log", "-1", "--format=%an%x00%ae%x00%aI%x00%B", sha).split("\0")
        person = {"name": author[0], "email": author[1], "date": author[2]}
        return {
            "sha": sha,
            "tree": {"sha": tree},
            "parents": [{"sha": p} for p in parents],
            "message": author[3].strip(),
            "author": person,
            "committer": person,
            "commit": {"message": author[3].strip(), "author": person, "committer": person},
        }

    def pull_json(self, pull: Pull) -> dict[str, Any]:
        return {
            "number": pull.number,
            "title": pull.title,
            "state": pull.state,
            "html_url": f"https://github.example/{self.repo}/pull/{pull.number}",
            "head": {
                "ref": pull.head,
                "sha": self.ref(pull.head),
                "repo": {"fork": False, "full_name": self.repo},
            },
            "base": {"ref": pull.base, "sha": self.ref(pull.base)},
            "labels": [{"name": name} for name in pull.labels],
            "user": {"login": AUTHOR["login"]},
            "updated_at": "2026-12-07T12:00:00Z",
            "merged_at": None,
        }

    def api(
        self, method: str, path: str, query: dict[str, str], data: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes]:
        if path == "/user" or path == f"/users/{AUTHOR['login']}":
            return self.json(200, AUTHOR)
        if path == "/search/issues":
            return self.json(200, {"total_count": 0, "items": []})
        prefix = f"/repos/{self.repo}"
        if not path.startswith(prefix):
            raise NotFound
        rest = path[len(prefix) :]
        if rest == "" and method == "GET":
            owner = self.repo.split("/")[0]
            return self.json(
                200,
                {
                    "full_name": self.repo,
                    "owner": {"login": owner},
                    "permissions": {"admin": False, "push": True, "pull": True},
                    "default_branch": "main",
                    "fork": False,
                },
            )
        if match := re.fullmatch(r"/branches/(.+)", rest):
            name = unquote(match.group(1))
            sha = self.ref(name)
            if sha is None:
                raise NotFound
            return self.json(200, {"name": name, "commit": self.commit_json(sha)})
        if match := re.fullmatch(r"/git/trees/([^:]+):(.*)", rest):
            rev, folder = unquote(match.group(1)), unquote(match.group(2)).strip("/")
            args = ["ls-tree", "-l", "-z"] + (["-r"] if query.get("recursive") else [])
            out = self.git(*args, f"{rev}:{folder}" if folder else f"{rev}^{{tree}}")
            tree = []
            for line in out.split("\0"):
                if line:
                    meta, name = line.split("\t", 1)
                    mode, kind, sha, size = meta.split()
                    entry: dict[str, Any] = {"path": name, "mode": mode, "type": kind, "sha": sha}
                    if kind == "blob":
                        entry["size"] = int(size)
                    tree.append(entry)
            return self.json(200, {"sha": "", "tree": tree, "truncated": False})
        if match := re.fullmatch(r"/git/blobs/([0-9a-f]{40})", rest):
            content = subprocess.run(
                ["git", "--git-dir", str(self.git_dir), "cat-file", "blob", match.group(1)],
                capture_output=True,
            )
            if content.returncode != 0:
                raise NotFound
            encoded = base64.b64encode(content.stdout).decode()
            return self.json(200, {"sha": match.group(1), "content": encoded, "encoding": "base64"})
        if rest == "/git/blobs" and method == "POST":
            raw = base64.b64decode(data["content"])
            sha = self.git("hash-object", "-w", "--stdin", stdin=raw).strip()
            return self.json(201, {"sha": sha})
        if rest == "/git/trees" and method == "POST":
            index = self.git_dir / f"standin-index-{secrets.token_hex(4)}"
            env = {"GIT_INDEX_FILE": str(index)}
            try:
                self.git("read-tree", data["base_tree"], env=env)
                for entry in data["tree"]:
                    if entry.get("sha") is None:
                        self.git("update-index", "--force-remove", entry["path"], env=env)
                    else:
                        info = f"{entry['mode']},{entry['sha']},{entry['path']}"
                        self.git("update-index", "--add", "--cacheinfo", info, env=env)
                sha = self.git("write-tree", env=env).strip()
            finally:
                index.unlink(missing_ok=True)
            return self.json(201, {"sha": sha, "tree": []})
        if rest == "/git/commits" and method == "POST":
            args = ["commit-tree", data["tree"], "-m", data.get("message") or "Decap"]
            for parent in data.get("parents", []):
                args += ["-p", parent]
            return self.json(201, self.commit_json(self.git(*args).strip()))
        if rest == "/git/refs" and method == "POST":
            name = data["ref"]
            if self.git("for-each-ref", name).strip():
                raise Unprocessable("Reference already exists")
            self.git("update-ref", name, data["sha"])
            return self.json(201, {"ref": name, "object": {"sha": data["sha"]}})
        if match := re.fullmatch(r"/git/refs/heads/(.+)", rest):
            name = unquote(match.group(1))
            if method == "PATCH":
                self.git("update-ref", f"refs/heads/{name}", data["sha"])
                return self.json(200, {"ref": f"refs/heads/{name}", "object": {"sha": data["sha"]}})
            if method == "DELETE":
                if self.ref(name) is None:
                    raise Unprocessable("Reference does not exist")
                self.git("update-ref", "-d", f"refs/heads/{name}")
                return 204, {}, b""
            raise NotFound
        if rest == "/pulls" and method == "GET":
            head = query.get("head")
            pulls = [
                self.pull_json(p)
                for p in self.pulls
                if (query.get("state", "open") in ("all", p.state))
                and (head is None or self.branch_of(head) == p.head)
                and p.base == query.get("base", p.base)
            ]
            return self.json(200, pulls)
        if rest == "/pulls" and method == "POST":
            pull = Pull(
                len(self.pulls) + 1, data["title"], self.branch_of(data["head"]), data["base"]
            )
            self.pulls.append(pull)
            if self.on_pull_request is not None:
                self.on_pull_request(pull, self.ref(pull.head) or "")
            return self.json(201, self.pull_json(pull))
        if match := re.fullmatch(r"/pulls/(\d+)(/commits)?", rest):
            pull = self.pull(int(match.group(1)))
            if match.group(2):
                shas = self.git("rev-list", "--reverse", f"{pull.base}..{pull.head}").split()
                return self.json(200, [self.commit_json(s) for s in shas])
            if method == "PATCH":
                pull.state = data.get("state", pull.state)
            return self.json(200, self.pull_json(pull))
        if match := re.fullmatch(r"/issues/(\d+)/labels", rest):
            pull = self.pull(int(match.group(1)))
            if method == "PUT":
                pull.labels = list(data["labels"])
            return self.json(200, [{"name": name} for name in pull.labels])
        if match := re.fullmatch(r"/compare/(.+)\.\.\.(.+)", rest):
            base, head = unquote(match.group(1)), unquote(match.group(2))
            files = []
            for path, (status, blob) in self.changed_files(base, head).items():
                files.append(
                    {
                        "filename": path,
                        "status": status,
                        "sha": blob,
                        "patch": "@@ -0,0 +1 @@",
                    }
                )
            return self.json(200, {"files": files, "commits": []})
        if match := re.fullmatch(r"/commits/([0-9a-f]{40})/status", rest):
            statuses = self.statuses.get(match.group(1), [])
            state = "success" if statuses else "pending"
            return self.json(200, {"state": state, "statuses": statuses})
        if match := re.fullmatch(r"/statuses/([0-9a-f]{40})", rest):
            # The combined status: the latest status of each context, as GitHub answers it.
            posted = {k: str(data.get(k, "")) for k in ("state", "target_url", "context")}
            kept = [
                s
                for s in self.statuses.get(match.group(1), [])
                if s["context"] != posted["context"]
            ]
            self.statuses[match.group(1)] = [posted, *kept]
            return self.json(201, posted)
        if rest == "/commits" and method == "GET":
            rev = query.get("sha", "main")
            out = self.git("log", "-1", "--format=%H", rev, "--", query.get("path", ""))
            return self.json(200, [self.commit_json(s) for s in out.split()])
        self.unknown.append(f"{method} {path}")
        raise NotFound

    def pull(self, number: int) -> Pull:
        for pull in self.pulls:
            if pull.number == number:
                return pull
        raise NotFound


def standin_repository(target: Path, docs: Path, extra: dict[str, Path] | None = None) -> Path:
    """A bare git repository whose ``main`` holds ``docs`` as ``docs/`` (one commit)."""
    work = target.with_name(target.name + "-work")
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    shutil.copytree(docs, work / "docs")
    for name, source in (extra or {}).items():
        shutil.copy(source, work / name)
    env = {**os.environ, **_ENV}
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "commit", "-q", "-m", "Plannen"], check=True, env=env)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(target)], check=True)
    shutil.rmtree(work)
    return target
