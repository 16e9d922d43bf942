"""The layout of the package is the pipeline it runs, and the maintainers' map says so.

Read from the source (every import, also inside functions): no import circle, no stage that
imports a later one, MkDocs in the adapter only, no private name across modules, and every
module on the map in docs-dev/README.md.
"""

from __future__ import annotations

import re
import tomllib

from importgraph import PACKAGE, imported_names, imports, modules, third_party

ROOT = PACKAGE.parent
#: The stages in the order the data passes through them; a module may import its own stage and
#: the ones before it, never a later one.
STAGES = [
    # shared: messages, Jinja, git, inputs, the generator
    {"problems", "templating", "gitcommand", "inputs", "build"},
    {"pages"},
    {"check"},
    {"overviews", "figures"},
    {"pdf"},
    {"versions"},
    {"search"},
    {"pipeline", "scaffold", "editor"},
    {"adapter", "cli", "__main__"},
]


def _stage(module: str) -> int:
    top = module.split(".")[0]
    return next(rank for rank, names in enumerate(STAGES) if top in names)


def test_every_module_belongs_to_a_stage():
    assert [m for m in modules() if not any(m.split(".")[0] in s for s in STAGES)] == []


def test_no_module_imports_a_later_stage():
    wrong = [
        f"{module} -> {target}"
        for module in modules()
        for target in imports(module)
        if _stage(target) > _stage(module)
    ]
    assert wrong == []


def test_no_import_circle():
    graph = {module: imports(module) for module in modules()}
    circles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_graph_sees_function_level_imports():
    # The checks above are only worth something if an import inside a function counts.
    assert "check.frontmatter" in imports("cli")  # cli imports it inside its commands


def test_mkdocs_is_imported_in_the_adapter_only():
    users = sorted(m for m in modules() if {"mkdocs", "material", "properdocs"} & third_party(m))
    assert users and all(m.startswith("adapter.") for m in users), users


def test_the_plugin_only_forwards():
    # The events call the build; the stages' own modules are not the adapter's business.
    allowed = {"pipeline", "problems", "pdf.downloads"}
    assert {m for m in imports("adapter.plugin") if not m.startswith("adapter")} <= allowed


def test_no_private_name_is_imported_across_modules():
    found = [
        f"{module}: {target}.{name}"
        for module in modules()
        for target, name in imported_names(module)
        if name.startswith("_")
    ]
    assert found == []


def _map_modules() -> set[str]:
    text = (ROOT / "docs-dev" / "README.md").read_text(encoding="utf-8")
    # `koppelkansen/x/y.py` names a module, `koppelkansen/x/` a package (its __init__.py)
    return {
        ".".join(path.removesuffix(".py").removesuffix("/__init__").strip("/").split("/"))
        for path in re.findall(r"`koppelkansen/([\w/]+(?:\.py|/))`", text)
    }


def test_every_module_is_on_the_maintainers_map():
    on_map = _map_modules()
    missing = [m for m in modules() if m not in on_map]
    assert missing == [], f"add these to the module map in docs-dev/README.md: {missing}"
    assert sorted(on_map - set(modules())) == [], "the map names modules that do not exist"


def test_py_typed_ships_with_the_package():
    assert (PACKAGE / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["koppelkansen"]
