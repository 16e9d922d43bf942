"""The live preview keeps answering after a failed build, with the Dutch error in every page.

MkDocs' live-reload server marks the site as "being built" before each rebuild and as built only
after one that succeeds; every request waits for that (``_serve_request`` waits until the visible
build is the wanted one). A rebuild that fails (a page with broken YAML) therefore leaves every
request of the browser waiting until the author fixes the page, and the only error is in the
terminal. Here the server's builder is wrapped: a failed build is reported as MkDocs reports it,
but returns, so the server goes on serving the site it has (our checks stop a build before
MkDocs writes anything: it is the last good site), and every HTML page it serves until the next
good build starts with a banner holding the build's error lines as text.

The editor (``/admin/``) is left alone: no banner over its buttons and no live-reload script
(a rebuild after a save would reload every editor tab and lose what is typed in another). It
asks for the build's state itself: ``admin/bouwstatus.json`` holds the error lines of the last
build (``{"fouten": [...]}``, empty after a good one), which its own script shows as a notice
beside the form. While the preview is served on a loopback address, a request whose ``Host`` is
not that address and port is refused (a page of another site that a DNS name points at
127.0.0.1 cannot read the editor's configuration, which holds the secret of ``make schrijven``).
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

#: The logger every message of MkDocs and of the build goes to (``mkdocs.plugins.koppelkansen...``).
_LOGGER = "mkdocs"
#: What the banner says above the error lines.
HEADING = "De laatste wijziging is niet gebouwd; je ziet de laatste goede versie van de site."
ADVICE = "Herstel de fout en sla het bestand op: de pagina ververst zich dan vanzelf."
#: The editor's folder below the site (``koppelkansen.editor.admin.ADMIN``; the adapter may not
#: import the editor) and the marker in its page that keeps the live-reload script out.
EDITOR = "admin/"
EDITOR_MARKER = b'<meta name="kk-editor"'
#: The build's state for the editor, below its folder.
STATUS = EDITOR + "bouwstatus.json"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class LivePreview:
    """The error of the last build (None after a good one) and the banner that shows it."""

    def __init__(self) -> None:
        self.error: list[str] | None = None

    def guard(self, builder: Callable[..., None]) -> Callable[..., None]:
        def build(*args: Any, **kwargs: Any) -> None:
            collect = _Collect()
            logger = logging.getLogger(_LOGGER)
            logger.addHandler(collect)
            try:
                builder(*args, **kwargs)
            except Exception as exc:  # what MkDocs' own build loop catches, reported the same way
                if isinstance(exc, SystemExit):  # mkdocs' Abort: its message is ours, in Dutch
                    print(exc, file=sys.stderr)
                else:
                    traceback.print_exc()
                # The lines the build logged are the Dutch problems; MkDocs' own closing line
                # ("Aborted with a BuildError!") is shown only when there is nothing else.
                self.error = collect.lines or [str(exc).strip() or HEADING]
                logging.getLogger(f"{_LOGGER}.plugins.{__name__}").error(
                    "De site is niet opnieuw gebouwd; de browser toont de laatste goede versie "
                    "met deze fout erboven."
                )
            else:
                self.error = None
            finally:
                logger.removeHandler(collect)

        return build

    @staticmethod
    def banner(error: list[str]) -> bytes:
        """The banner for ``error``, the lines of one failed build (read once per request: the
        build thread may replace the error while a request is answered)."""
        lines = "".join(f'<li style="margin:.2em 0">{html.escape(line)}</li>' for line in error)
        return (
            '<div role="alert" id="koppelkansen-bouwfout" style="background:#fff3cd;'
            "color:#3d2c00;border-bottom:3px solid #b45309;padding:1em 1.5em;font:16px/1.4 "
            'system-ui,sans-serif;white-space:pre-wrap;position:relative;z-index:1000">'
            f"<strong>{html.escape(HEADING)}</strong>"
            f'<ul style="font-family:monospace;margin:.5em 0;padding-left:1.2em">{lines}</ul>'
            f"{html.escape(ADVICE)}</div>"
        ).encode()

    def inject(self, content: bytes, error: list[str]) -> bytes:
        """The page with the banner right after its ``<body>`` tag (at the start without one)."""
        at = content.lower().find(b"<body")
        end = content.find(b">", at) + 1 if at >= 0 else 0
        return content[:end] + self.banner(error) + content[end:]

    def app(
        self,
        serve: Callable[..., Iterable[bytes]],
        mount_path: str = "/",
        hosts: Callable[[], frozenset[str] | None] = lambda: None,
    ) -> Callable[..., Iterable[bytes]]:
        """The server's WSGI application, with the banner in each HTML page while a build failed
        (not in the editor's), the build's state for the editor, and (``hosts``) only requests
        for one of these ``Host`` values."""

        def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            allowed = hosts()  # asked per request: the port is known once the server is bound
            if allowed is not None and environ.get("HTTP_HOST", "") not in allowed:
                start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
                return [b"Onbekende Host."]
            error = self.error  # once: a build that ends meanwhile must not change this answer
            path = environ.get("PATH_INFO", "")
            inside = path[len(mount_path) :] if path.startswith(mount_path) else None
            if inside == STATUS:
                content = json.dumps({"fouten": error or []}, ensure_ascii=False).encode()
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "application/json; charset=utf-8"),
                        ("Cache-Control", "no-store"),
                        ("Content-Length", str(len(content))),
                    ],
                )
                return [content]
            if error is None or (inside is not None and inside.startswith(EDITOR)):
                return serve(environ, start_response)
            answer: dict[str, Any] = {}

            def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                answer.update(status=status, headers=headers)
                return lambda data: None

            body = serve(environ, hold)
            headers = answer.get("headers", [])
            kind = next((v for k, v in headers if k.lower() == "content-type"), "")
            if not kind.startswith("text/html"):
                start_response(answer["status"], headers)
                return body
            try:
                content = self.inject(b"".join(body), error)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            start_response(answer["status"], [*headers, ("Content-Length", str(len(content)))])
            return [content]

        return application


def keep_answering(server: Any) -> Any:
    """MkDocs' live-reload server, changed so that a failed rebuild leaves it answering."""
    preview = LivePreview()
    server.builder = preview.guard(server.builder)
    inject = server._inject_js_into_html

    def inject_outside_editor(content: bytes, epoch: int) -> bytes:
        return content if EDITOR_MARKER in content else inject(content, epoch)

    server._inject_js_into_html = inject_outside_editor
    mount_path = getattr(server, "mount_path", "/")
    server.set_app(preview.app(server.get_app(), mount_path, lambda: loopback_hosts(server)))
    return server


def loopback_hosts(server: Any) -> frozenset[str] | None:
    """The ``Host`` values of a server on a loopback address (its address and ``localhost``,
    with its port); None for another address (a preview shared on a network is left as is)."""
    try:
        host, port = server.server_address[:2]
        if not ipaddress.ip_address(host).is_loopback:
            return None
    except (AttributeError, TypeError, ValueError):
        return None
    names = {f"{host}:{port}", f"localhost:{port}"}
    if ":" in host:
        names.add(f"[{host}]:{port}")
    return frozenset(names)


#: How often the preview looks for a saved page in docs/ (seconds). MkDocs polls every watched
#: folder every 0.5 s, which is on average a quarter of a second between the save and the start
#: of the rebuild; docs/ is small and is looked at every 0.1 s. The theme's folders (Material's
#: holds thousands of icons) keep MkDocs' interval: nobody saves there while writing.
DOCS_POLL = 0.1


def poll_docs_sooner(server: Any, docs_dir: str) -> None:
    """The watcher of ``docs_dir`` polls every :data:`DOCS_POLL` s (watchdog's polling emitter
    reads its interval on every round, so this also holds for an emitter already made)."""
    wanted = os.path.abspath(docs_dir)
    for emitter in list(server.observer.emitters):
        if os.path.abspath(emitter.watch.path) == wanted and emitter.timeout > DOCS_POLL:
            emitter._timeout = DOCS_POLL
