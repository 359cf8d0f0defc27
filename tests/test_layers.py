"""The packages of culturetool/ import only downwards (docs/architecture.md, "Layers").

Each module is parsed with `ast`, so a package that imports one above it fails here even if the
import sits inside a function. Packages on the same layer import neither each other nor anything
above them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "culturetool"

# From the bottom up. A top-level module (config.py, cli.py, culturetool.py) is its own "package".
LAYERS: list[set[str]] = [
    {"domain", "config"},
    {"store", "views"},
    {"analytics", "reports"},
    {"services"},
    {"web"},
    {"ui"},
    {"scaled"},  # scaled.py: several app processes behind nginx (culturetool serve --workers)
    {"culturetool", "cli"},  # culturetool.py (the Reflex app and its routes) and the command line
]
LAYER_OF = {package: number for number, layer in enumerate(LAYERS) for package in layer}


def package_of(module: Path) -> str:
    """The first part below culturetool/: "services" for services/plans.py, "cli" for cli.py."""
    first = module.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def imported_packages(source: str) -> set[str]:
    """The culturetool packages a module imports, wherever in the module the import is."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "culturetool":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from culturetool import config
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "culturetool" and len(parts) > 1:
                    found.add(parts[1])
    return found


def wrong_way_imports(modules: dict[str, str]) -> list[str]:
    """Every import of a module (path relative to culturetool/ → source) that points at its own
    layer's other package or at a layer above it, in words."""
    problems = []
    for relative, source in sorted(modules.items()):
        here = package_of(PACKAGE / relative)
        for there in sorted(imported_packages(source) - {here}):
            if here not in LAYER_OF or there not in LAYER_OF:
                unknown = here if here not in LAYER_OF else there
                problems.append(
                    f"{relative}: the package {unknown!r} has no layer; add it to LAYERS in "
                    "tests/test_layers.py and to docs/architecture.md"
                )
            elif LAYER_OF[there] >= LAYER_OF[here]:
                where = "its own layer" if LAYER_OF[there] == LAYER_OF[here] else "a layer above"
                problems.append(f"{relative} ({here}) imports {there}, on {where}")
    return problems


def all_modules() -> dict[str, str]:
    return {
        str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_package_imports_only_the_layers_below_it():
    assert wrong_way_imports(all_modules()) == []


def test_no_two_packages_import_each_other():
    imports: dict[str, set[str]] = {}
    for relative, source in all_modules().items():
        here = package_of(PACKAGE / relative)
        imports.setdefault(here, set()).update(imported_packages(source) - {here})
    cycles = sorted(
        f"{a} <-> {b}" for a, targets in imports.items() for b in targets
        if a < b and a in imports.get(b, set())
    )  # fmt: skip
    assert cycles == []


@pytest.mark.parametrize(
    ("relative", "source", "complaint"),
    [
        (
            "reports/results_tables.py",
            "from culturetool.services.round_results import results_for_round\n",
            "reports/results_tables.py (reports) imports services, on a layer above",
        ),
        (
            "services/plans.py",
            "def later():\n    import culturetool.ui.routes\n",
            "services/plans.py (services) imports ui, on a layer above",
        ),
        (
            "store/tables.py",
            "from culturetool import views\n",
            "store/tables.py (store) imports views, on its own layer",
        ),
        (
            "ui/routes.py",
            "from culturetool.culturetool import app\n",
            "ui/routes.py (ui) imports culturetool, on a layer above",
        ),
    ],
)
def test_an_import_the_wrong_way_is_reported(relative, source, complaint):
    assert wrong_way_imports({relative: source}) == [complaint]


def test_an_import_downwards_is_accepted():
    source = "from culturetool.views.results import ScoreRow\nfrom culturetool import config\n"
    assert wrong_way_imports({"services/round_results.py": source}) == []
