"""Everything a build of the site reads, as one fingerprint: a build whose inputs are the same as
those of the site in place has nothing to do.

The inputs (docs-dev/build.md): every file of the docs folder (pages, folder defaults, the
vocabulary and schema, images, style sheets), the theme's ``custom_dir`` (``overrides/``), the
configuration file (and the file it ``INHERIT``\\s, its ``hooks``), this package's own files, the
installed distributions and the Python that runs them (MkDocs, Material, Typst and the rest), the
git state the page dates and versions come from (``HEAD``, every tag and the shallow boundary),
Decap's bundle in ``node_modules`` (copied into ``site/admin/``), the environment variables that
change the output (``SOURCE_DATE_EPOCH``, ``KOPPELKANSEN_*``, ``TYPST_*``, the ``GIT_*`` that
choose the repository, those ``mkdocs.yml`` names with ``!ENV``), and the build's own command
line (engine, extra arguments). Beside them the state of the built ``site/`` itself (names, sizes
and modification times), so that a site someone changed by hand is built again. The build takes
the fingerprint before and after it runs, with :func:`file_times`: a file saved meanwhile leaves
no fingerprint (issue 31). Git runs with the fixed settings of :mod:`koppelkansen.gitcommand`.

Computing it reads the files (about 2 MB for 200 pages, a few hundredths of a second) and runs
git three times; nothing of MkDocs is imported. Files are read by content, not by modification time, so
a checkout that touches files without changing them costs nothing; symbolic links are recorded as
their target, and anything but a regular file by its type, never opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

import koppelkansen
from koppelkansen.gitcommand import git_argv

#: Environment variables that change what a build writes, besides every ``KOPPELKANSEN_*`` and
#: ``TYPST_*`` (Typst's fonts and packages) and those ``mkdocs.yml`` names with ``!ENV``: the
#: date of a reproducible build, and which repository and history git reads.
OUTPUT_VARIABLES = (
    "SOURCE_DATE_EPOCH",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_SHALLOW_FILE",
    "GIT_CONFIG_PARAMETERS",
)
VARIABLE_PREFIX = "KOPPELKANSEN_"
OTHER_PREFIXES = ("TYPST_",)
#: Decap's bundle that the build copies into ``site/admin/`` (as ``koppelkansen.editor.admin``
#: finds it: in the configuration's project, else beside this package).
EDITOR_BUNDLE = Path("node_modules") / "decap-cms" / "dist"
EDITOR_FILES = "*decap-cms.js"
#: Folders inside the package that are not its code.
_SKIPPED_DIRS = frozenset({"__pycache__"})
#: The fingerprint's format; a stored one of another format is not compared.
FORMAT = 1
_CHUNK = 1 << 20


def state_file(site_dir: Path) -> Path:
    """Where the fingerprint of the site in ``site_dir`` is kept: outside the site (it is not
    published), in ``.cache/`` beside the build's lock."""
    return site_dir.with_name(".cache") / f"{site_dir.name}.inputs.json"


def _file_digest(path: Path, info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode):
        return "link:" + os.readlink(path).encode("utf-8", "surrogateescape").hex()
    if not stat.S_ISREG(info.st_mode):
        return f"type:{stat.S_IFMT(info.st_mode):o}"
    digest = hashlib.blake2b(digest_size=16)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    with os.fdopen(fd, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every entry below ``folder`` (not following links), sorted, skipping ``__pycache__``;
    without recursion, so that no depth of folders stops it."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.name not in _SKIPPED_DIRS:
                    folders.append(path)
            else:
                yield path, info
        stack.extend(reversed(folders))


def _folder(prefix: str, folder: Path, into: dict[str, str]) -> None:
    if not folder.is_dir():
        into[prefix] = "missing"
        return
    for path, info in _walk(folder):
        into[f"{prefix}/{path.relative_to(folder).as_posix()}"] = _file_digest(path, info)


class _ConfigLoader(yaml.SafeLoader):
    """Reads ``mkdocs.yml`` far enough to find the folders it names: MkDocs' own tags (``!ENV``,
    ``!relative``, ``!!python/name:``) are read as nothing."""


def _env_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the names are inputs of the build."""
    if suffix != "ENV":
        return
    if isinstance(node, yaml.ScalarNode):
        names = [node.value]
    elif isinstance(node, yaml.SequenceNode):
        values = [item.value for item in node.value if isinstance(item, yaml.ScalarNode)]
        names = values[:-1] if len(values) > 1 else values
    else:
        return
    found: list[str] = getattr(loader, "env_names", [])
    loader.env_names = [*found, *(str(name) for name in names)]  # type: ignore[attr-defined]


_ConfigLoader.add_multi_constructor("!", _env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _config_inputs(
    config_file: Path, into: dict[str, str], environ: Mapping[str, str] | None = None
) -> list[tuple[str, Path]] | None:
    """Hashes the configuration (and what it inherits and hooks); returns the folders it names
    (docs folder, theme ``custom_dir``), or None when the configuration cannot be read."""
    seen: set[Path] = set()
    merged: dict[str, Any] = {}
    current: Path | None = config_file
    while current is not None and current not in seen:
        seen.add(current)
        try:
            text = current.read_bytes()
            loader = _ConfigLoader(text)
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
        except (OSError, yaml.YAMLError):
            return None
        for name in getattr(loader, "env_names", []):
            into[f"env/{name}"] = (os.environ if environ is None else environ).get(name, "\0unset")
        into[f"config/{current.name}:{len(seen)}"] = hashlib.blake2b(
            text, digest_size=16
        ).hexdigest()
        if not isinstance(data, dict):
            return None
        merged = {**data, **merged}
        parent = data.get("INHERIT")
        current = (current.parent / parent).resolve() if isinstance(parent, str) else None
    root = config_file.parent
    folders: list[tuple[str, Path]] = []
    docs = merged.get("docs_dir", "docs")
    theme = merged.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if not isinstance(docs, str) or (custom is not None and not isinstance(custom, str)):
        return None
    folders.append(("docs", root / docs))
    if custom:
        folders.append(("theme", root / custom))
    hooks = merged.get("hooks") or []
    if not isinstance(hooks, list) or not all(isinstance(hook, str) for hook in hooks):
        return None
    for hook in hooks:
        path = root / hook
        try:
            into[f"hook/{hook}"] = _file_digest(path, os.lstat(path))
        except OSError:
            into[f"hook/{hook}"] = "missing"
    return folders


def config_digest(config_file: Path) -> str:
    r"""The configuration file and what it ``INHERIT``\s and hooks, as one digest ("" when it
    cannot be read)."""
    into: dict[str, str] = {}
    if _config_inputs(config_file.resolve(), into) is None:
        return ""
    return hashlib.blake2b(json.dumps(into, sort_keys=True).encode(), digest_size=16).hexdigest()


def _installed(search_path: list[str]) -> str:
    """The installed distributions (their ``*.dist-info`` names carry the versions), ``.pth``
    files (editable installs) with their content, and the Python that runs them."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{sys.executable}\0".encode())
    for entry in search_path:
        folder = Path(entry or ".")
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info", ".egg-link")):
                digest.update(f"{entry}\0{name}\0".encode())
            elif name.endswith(".pth"):
                try:
                    content = (folder / name).read_bytes()[:_CHUNK]
                except OSError:
                    content = b""
                digest.update(f"{entry}\0{name}\0".encode() + content)
    return digest.hexdigest()


def _git(cwd: Path, *args: str) -> str:
    """Git's output (or its failure) as text. Run with Popen, not ``subprocess.run``: this is
    not one of the build's own git calls (the settings are: :mod:`koppelkansen.gitcommand`)."""
    if not cwd.is_dir():
        return "no folder"
    try:
        with subprocess.Popen(
            git_argv(*args),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        ) as process:
            out, _ = process.communicate(timeout=30)
            return f"{process.returncode}:{out.decode('utf-8', 'replace')}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"git failed: {type(exc).__name__}"


def _shallow(folder: Path) -> str:
    """The shallow boundary of the repository of ``folder`` (git's ``shallow`` file), or "none"."""
    found = _git(folder, "rev-parse", "--path-format=absolute", "--git-path", "shallow")
    code, _, path = found.partition(":")
    if code != "0" or not path.strip():
        return found
    shallow = Path(path.strip())
    try:
        return _file_digest(shallow, os.lstat(shallow))
    except OSError:
        return "none"


def _editor_bundle(root: Path) -> str:
    """Decap's scripts the build copies into ``site/admin/``, read by content."""
    for base in (root, Path(koppelkansen.__file__).resolve().parent.parent):
        dist = base / EDITOR_BUNDLE
        if (dist / "decap-cms.js").is_file():
            digest = hashlib.blake2b(digest_size=16)
            for path in sorted(dist.glob(EDITOR_FILES)):
                name = path.name
                digest.update(f"{name}\0{_file_digest(path, os.lstat(path))}\n".encode())
            return f"{dist}:{digest.hexdigest()}"
    return "missing"


def fingerprint(
    config_file: Path,
    command: list[str],
    *,
    environ: Mapping[str, str] | None = None,
    package_dir: Path | None = None,
    search_path: list[str] | None = None,
) -> dict[str, str] | None:
    """The build's inputs, name to digest; None when the configuration cannot be read (the build
    then runs and says why). ``command``: the engine and arguments of the build."""
    into: dict[str, str] = {}
    environ = os.environ if environ is None else environ
    folders = _config_inputs(config_file.resolve(), into, environ)
    if folders is None:
        return None
    for prefix, folder in folders:
        _folder(prefix, folder, into)
    _folder("package", package_dir or Path(koppelkansen.__file__).resolve().parent, into)
    into["installed"] = _installed(sys.path if search_path is None else search_path)
    # HEAD (the page dates' history) and every tag (the versions), peeled.
    refs = _git(folders[0][1], "show-ref", "--head", "--dereference", "--tags").split("\n")
    into["git/HEAD"] = next((line for line in refs if line.endswith(" HEAD")), refs[0])
    into["git/tags"] = "\n".join(line for line in refs if " refs/tags/" in line)
    # How much of that history there is: a shallow clone's dates are those of its first commit,
    # and 'git fetch --unshallow' (or --deepen) changes them without changing HEAD.
    into["git/shallow"] = _shallow(folders[0][1])
    into["editor/bundle"] = _editor_bundle(config_file.resolve().parent)
    for name in sorted(environ):
        if (
            name in OUTPUT_VARIABLES
            or name.startswith(VARIABLE_PREFIX)
            or name.startswith(OTHER_PREFIXES)
        ):
            into[f"env/{name}"] = environ[name]
    into["command"] = "\0".join(command)
    return into


def file_times(config_file: Path) -> str:
    """Names, sizes, modification and change times of the configuration and every file of the
    folders it names, as one digest: compared before and after a build, it tells that a file was
    saved while the build ran, even when the content ends as it began (a save, then an undo)."""
    digest = hashlib.blake2b(digest_size=16)
    paths: list[tuple[str, Path]] = [("config", config_file)]
    folders = _config_inputs(config_file.resolve(), {})
    for prefix, folder in folders or []:
        paths.extend((prefix, path) for path, _ in _walk(folder))
    for prefix, path in paths:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        line = f"{prefix}\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def site_state(site_dir: Path) -> str:
    """Names, sizes and modification times of every file in the built site, as one digest."""
    digest = hashlib.blake2b(digest_size=16)
    for path, info in _walk(site_dir):
        name = path.relative_to(site_dir).as_posix()
        line = f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


#: How each kind of input is named in the message of a build that runs.
_KINDS = {
    "config": "de instellingen ({name})",
    "hook": "de hook {name}",
    "docs": "{name} in de docs-map",
    "theme": "{name} in de thema-map (overrides)",
    "package": "de bouwsoftware (koppelkansen/{name})",
    "installed": "de geïnstalleerde pakketten of Python",
    "git": "git ({name}: een commit, checkout, versie-tag of de opgehaalde geschiedenis)",
    "editor": "de editor (decap-cms in node_modules)",
    "env": "de omgevingsvariabele {name}",
    "command": "de opdracht (engine of opties)",
}


def describe(key: str) -> str:
    """A fingerprint key in Dutch: ``docs/plan.md`` → ``plan.md in de docs-map``."""
    kind, _, name = key.partition("/")
    kind, _, _ = kind.partition(":")
    if kind == "config":
        name = key.partition("/")[2].partition(":")[0]
    template = _KINDS.get(kind, "{name}")
    return template.format(name=name or kind)


def stale_reason(
    stored: Mapping[str, Any] | None, current: dict[str, str] | None, site_dir: Path
) -> str | None:
    """Why the site must be built (Dutch, one line), or None when ``site_dir`` holds the site of
    exactly these inputs."""
    if current is None:
        return "de instellingen konden niet worden gelezen"
    if not site_dir.is_dir():
        return f"er is nog geen {site_dir.name}/"
    if not stored or stored.get("format") != FORMAT or not isinstance(stored.get("inputs"), dict):
        return f"van {site_dir.name}/ is niet bekend waaruit die gebouwd is"
    before: dict[str, str] = stored["inputs"]
    for key in sorted(current.keys() | before.keys()):
        if key not in before:
            return f"{describe(key)} is nieuw"
        if key not in current:
            return f"{describe(key)} is verwijderd"
        if before[key] != current[key]:
            return f"{describe(key)} is gewijzigd"
    if stored.get("site") != site_state(site_dir):
        return f"{site_dir.name}/ is sinds de vorige build veranderd"
    return None


def read_state(site_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(state_file(site_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_state(site_dir: Path, inputs: dict[str, str] | None) -> None:
    """Keeps the inputs the site in ``site_dir`` was built from (or forgets them: None)."""
    target = state_file(site_dir)
    if inputs is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(exist_ok=True)
    scratch = target.with_name(f".{target.name}.tmp")
    data = {"format": FORMAT, "inputs": inputs, "site": site_state(site_dir)}
    scratch.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    scratch.replace(target)
