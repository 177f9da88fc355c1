"""The house's rules, read from the imports of every module (Python's ``ast``).

    cli, api            the doors people and programs come in by (and the scheduler,
                        the door the clock comes in by)
      └─ bootstrap      the one composition root (builds the store, the runtime);
                        the scheduler runs beside the API on what it built
    services            use cases: the only door to the store; access decisions
    routing, audit      pure: given their data, never fetch it (meetings too)
    notify              channels to people (SMTP, SMS, Telegram): given their messages
    interop, archive    formats and backups (over the port)
    adapters            SQLite and Neo4j, one file per port
    store               the ports
    security, policies  pure rules and packaged policies
    domain              imports nothing of the project but itself

A rule names a package and what it may not import; a failure lists every offending
import with its line. Function-local imports count too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("referral_graph", "api", "seed")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` for every import in the module, resolved to a module
    of the project when it names one (``from a.b import c`` is ``a.b.c`` if that is a
    module, else ``a.b``)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in MODULES else base), node.lineno


IMPORTS = {name: list(_imports(name, path)) for name, path in MODULES.items()}


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
        for name, found in IMPORTS.items()
        if _inside(name, layer)
        for target, line in found
        if any(_inside(target, f) for f in forbidden)
    ]


OUTER = ("referral_graph.services", "referral_graph.cli", "referral_graph.bootstrap", "api")
STORES = ("referral_graph.store", "referral_graph.adapters")

RULES: dict[str, tuple[str, ...]] = {
    # the domain imports nothing of the project but itself
    "referral_graph.domain": (
        "api",
        "seed",
        *STORES,
        *OUTER,
        "referral_graph.routing",
        "referral_graph.audit",
        "referral_graph.security",
        "referral_graph.policies",
        "referral_graph.interop",
        "referral_graph.archive",
        "referral_graph.settings",
    ),
    "referral_graph.policies": ("api", "seed", *STORES, *OUTER),
    "referral_graph.security": ("api", "seed", *STORES, *OUTER),
    "referral_graph.routing": ("api", "seed", *STORES, *OUTER),
    "referral_graph.audit": ("api", "seed", *STORES, *OUTER),
    # channels to people: given finished messages, never the store or the use cases
    "referral_graph.notify": ("api", "seed", *STORES, *OUTER, "referral_graph.settings"),
    "referral_graph.meetings": ("api", "seed", *STORES, *OUTER),
    "referral_graph.store": ("api", "seed", "referral_graph.adapters", *OUTER),
    "referral_graph.adapters": ("api", "seed", *OUTER),
    "referral_graph.services": ("api", "seed", "referral_graph.adapters", "referral_graph.cli"),
    "api": ("seed", *STORES, "referral_graph.cli"),
}


@pytest.mark.parametrize("layer", sorted(RULES))
def test_each_layer_imports_only_what_is_below_it(layer: str) -> None:
    assert _violations(layer, RULES[layer]) == []


def test_the_domain_imports_nothing_of_the_project_but_itself() -> None:
    outside = [
        f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
        for name, found in IMPORTS.items()
        if _inside(name, "referral_graph.domain")
        for target, line in found
        if any(_inside(target, p) for p in PACKAGES)
        and not _inside(target, "referral_graph.domain")
    ]
    assert outside == []


def test_only_the_doors_use_the_composition_root() -> None:
    users = {
        name
        for name, found in IMPORTS.items()
        for target, _ in found
        if _inside(target, "referral_graph.bootstrap")
    }
    doors = ("api", "referral_graph.cli", "referral_graph.scheduler")
    assert {u for u in users if not any(_inside(u, d) for d in doors)} == set()


def test_no_module_imports_another_modules_private_names() -> None:
    private = []
    for path in MODULES.values():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
    assert private == []


def _cycles() -> list[list[str]]:
    """Import cycles among the project's modules (Tarjan's strongly connected parts)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, found in IMPORTS.items():
        for target, _ in found:
            if target in MODULES and target != name:
                graph[name].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                parts.append(sorted(part))

    for v in list(MODULES):
        if v not in index:
            visit(v)
    return parts


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_rules_would_see_a_violation() -> None:
    """Calibration: the walk does find imports (a rule over nothing would always pass)."""
    assert ("referral_graph.domain.models", 16) not in IMPORTS["referral_graph.domain.training"]
    assert any(
        t == "referral_graph.domain.models" for t, _ in IMPORTS["referral_graph.domain.training"]
    )
    assert _violations("referral_graph.services", ("referral_graph.store",))


@pytest.mark.parametrize(
    "package",
    ["referral_graph", "api", "seed"],
)
def test_modules_stay_small_enough_to_read_in_one_sitting(package: str) -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for name, path in MODULES.items()
        if _inside(name, package) and (n := len(path.read_text("utf-8").splitlines())) > 500
    }
    assert long == {}
