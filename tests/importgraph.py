"""The package's import graph, read from its source (every ``import``, also inside functions)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "koppelkansen"


def modules() -> list[str]:
    """Every module of the package, dotted below it (``pages.loader``; ``pdf`` for its __init__)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            names.append(".".join(parts))
    return names


def source(module: str) -> Path:
    path = PACKAGE.joinpath(*module.split(".")).with_suffix(".py")
    return path if path.exists() else PACKAGE.joinpath(*module.split("."), "__init__.py")


@cache
def _tree(module: str) -> ast.Module:
    return ast.parse(source(module).read_text(encoding="utf-8"))


def imported_names(module: str) -> list[tuple[str, str]]:
    """(module, name) for every ``from koppelkansen.x import name`` in ``module``."""
    found = []
    for node in ast.walk(_tree(module)):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and (node.module == "koppelkansen" or node.module.startswith("koppelkansen."))
        ):
            target = node.module.removeprefix("koppelkansen").removeprefix(".")
            found.extend((target, alias.name) for alias in node.names)
    return found


def imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports, anywhere in its code (``from koppelkansen.pages
    import loader`` counts as ``pages.loader``, not as the package ``pages``)."""
    known = set(modules())
    found: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{module}: relative import; the package imports absolutely")
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            named = [name for name in submodules if name.removeprefix("koppelkansen.") in known]
            names = named if len(named) == len(submodules) else [node.module, *named]
        else:
            continue
        for name in names:
            if name.startswith("koppelkansen."):
                dotted = name.removeprefix("koppelkansen.")
                if dotted in known:
                    found.add(dotted)
    found.discard(module)
    return found


def third_party(module: str) -> set[str]:
    """Top-level names of everything outside the package that ``module`` imports."""
    found: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    found.discard("koppelkansen")
    return found


def closure(*start: str) -> set[str]:
    """``start`` and every module it imports, directly or not."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(imports(module))
    return seen
