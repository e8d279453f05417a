"""The package boundaries of docs/architecture.md, checked on the source: a new import that breaks
them fails here, naming the module and the import.

Every `import` counts, including those under `if TYPE_CHECKING:` and inside functions: they are
dependencies all the same."""

from __future__ import annotations

import ast
import re
import statistics
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "openlicense"

KERNEL = frozenset({"core", "settings"})
"""Neutral modules every package may import; they import no other package."""

WIRING = frozenset({"app", "cli", "cli_audit", "db", "jobs", "problems", "health", "web"})
"""Entry points and wiring: may import any domain's public modules; no domain imports them."""

ALLOWED: dict[str, frozenset[str]] = {
    "accounts": frozenset({"audit"}),
    "pricing": frozenset(),
    "clauses": frozenset(),
    "audit": frozenset(),
    "search": frozenset({"accounts"}),
    "catalogue": frozenset({"accounts", "pricing", "clauses", "audit", "search"}),
    "agreements": frozenset({"accounts", "pricing", "clauses", "audit", "search", "catalogue"}),
    "payments": frozenset({"accounts", "pricing", "audit", "agreements"}),
    "notifications": frozenset({"accounts", "audit", "catalogue", "agreements"}),
    "documents": frozenset({"accounts", "audit", "catalogue", "agreements"}),
    "oversight": frozenset(
        {"accounts", "pricing", "audit", "search", "catalogue", "agreements", "payments"}
    ),
    "achievements": frozenset({"accounts", "pricing", "audit"}),
    "experts": frozenset({"accounts", "audit", "catalogue", "achievements"}),
    "needs": frozenset(
        {
            "accounts",
            "audit",
            "search",
            "catalogue",
            "agreements",
            "achievements",
            "experts",
            "notifications",
        }
    ),
    "challenges": frozenset(
        {"accounts", "pricing", "clauses", "audit", "catalogue", "agreements", "needs"}
    ),
    "zones": frozenset(
        {"accounts", "audit", "catalogue", "agreements", "achievements", "needs", "challenges"}
    ),
    "indicators": frozenset(
        {
            "accounts",
            "audit",
            "catalogue",
            "agreements",
            "payments",
            "achievements",
            "experts",
            "needs",
            "challenges",
            "zones",
        }
    ),
    "seed": frozenset(
        {
            "accounts",
            "pricing",
            "clauses",
            "audit",
            "catalogue",
            "agreements",
            "achievements",
            "experts",
            "needs",
            "challenges",
            "zones",
        }
    ),
}
"""Domain → the domains it may import (besides the kernel). The order is the layer picture."""

PUBLIC = frozenset({"models", "schemas", "service", "rules", "errors", "states"})
"""What a domain offers the others: its models, schemas, use cases, pure rules and errors."""

EXTRA_PUBLIC: dict[str, frozenset[str]] = {
    "accounts": frozenset({"guards", "principal", "tokens", "passwords"}),
    "audit": frozenset(
        {"ledger", "chain", "checkpoints", "signing", "exports", "keyring", "delivery", "actions"}
    ),
    "search": frozenset(
        {"documents", "engine", "enqueue", "freshness", "outbox", "reindex", "setup"}
    ),
    "clauses": frozenset({"library", "lint", "registry"}),
    "pricing": frozenset({"fee_standards", "money", "schedule"}),
    "agreements": frozenset({"contract", "pdf"}),
    "catalogue": frozenset({"identifiers", "files", "imports"}),
    "seed": frozenset({"generate", "data"}),
}
"""Further modules a package exposes (infrastructure packages have no `service`)."""

PURE = ("pricing", "core.dates", "core.canonical", "core.violations", "core.errors", "core.clock")
IMPURE_LIBRARIES = ("sqlalchemy", "advanced_alchemy", "litestar", "httpx", "stripe", "tantivy")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in (SRC / ROOT).rglob("*.py")}


MODULES = _modules()


def _resolve(node: ast.ImportFrom) -> list[str]:
    """`from a.b import c` → `a.b.c` when `c` is a module, else `a.b`."""
    target = node.module or ""
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]


def test_imports_are_absolute() -> None:
    relative = [
        f"{module}:{node.lineno}"
        for module, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert relative == []


def imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import of `module`, however nested."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            for name in _resolve(node):
                yield name, node.lineno


def internal_imports(module: str) -> Iterator[tuple[str, int]]:
    for name, line in imports(module):
        if name == ROOT or name.startswith(ROOT + "."):
            yield name, line


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module in MODULES:
        for name, _ in internal_imports(module):
            if name in MODULES and name != module:
                graph[module].add(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(MODULES):
        if node not in index:
            visit(node)
    return found


def test_every_package_is_classified() -> None:
    packages = {package(m) for m in MODULES if m != ROOT}
    unknown = packages - KERNEL - WIRING - set(ALLOWED)
    assert not unknown, f"add these packages to tests/test_architecture.py: {sorted(unknown)}"


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_no_two_packages_import_each_other() -> None:
    edges = {
        (package(m), package(n))
        for m, targets in _graph().items()
        for n in targets
        if package(m) != package(n)
    }
    mutual = sorted({tuple(sorted(e)) for e in edges if (e[1], e[0]) in edges})
    assert mutual == []


def _violations() -> Iterator[str]:
    for module in sorted(MODULES):
        own = package(module)
        for name, line in internal_imports(module):
            other = package(name)
            where = f"{module}:{line} imports {name}"
            if other == own or name == ROOT:
                continue
            if own in KERNEL and other not in KERNEL:
                yield f"{where}: the kernel imports no package"
            elif own in WIRING:
                if name.endswith(".controllers") and own not in {"app", "web"}:
                    yield f"{where}: only app.py registers controllers"
            elif other in WIRING:
                yield f"{where}: a domain never imports the wiring layer"
            elif other in KERNEL:
                continue
            elif other not in ALLOWED[own]:
                yield f"{where}: {own} may not depend on {other}"
            else:
                first = name.split(".")[2] if name.count(".") >= 2 else ""
                if first not in PUBLIC | EXTRA_PUBLIC.get(other, frozenset()):
                    yield f"{where}: not part of {other}'s public modules"


def test_domains_import_only_what_the_layers_allow() -> None:
    assert list(_violations()) == []


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith(tuple(f"{ROOT}.{p}" for p in PURE)))
)
def test_pure_modules_do_no_io(module: str) -> None:
    bad = [
        f"{name} (line {line})"
        for name, line in imports(module)
        if name.split(".")[0] in IMPURE_LIBRARIES or name.endswith(".models")
    ]
    assert bad == []


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.endswith(".rules") or ".rules." in m)
)
def test_rule_modules_are_pure(module: str) -> None:
    bad = [
        f"{name} (line {line})"
        for name, line in imports(module)
        if name.split(".")[0] in IMPURE_LIBRARIES or name.endswith(".models")
    ]
    assert bad == []


def test_services_never_import_the_web_framework() -> None:
    bad = [
        f"{module}:{line} imports {name}"
        for module in MODULES
        if ".service" in module
        for name, line in imports(module)
        if name.split(".")[0] == "litestar"
    ]
    assert bad == []


def _sizes() -> tuple[list[int], list[str], list[str]]:
    lines, big, long_functions = [], [], []
    for path in sorted((SRC / ROOT).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        count = len(text.splitlines())
        lines.append(count)
        generated = path.parent.name == "seed"  # demo data tables and their generator
        if count > 500 and not generated:
            big.append(f"{path.relative_to(SRC)}: {count} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not generated:
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long_functions.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    return lines, big, long_functions


def test_modules_and_functions_stay_readable() -> None:
    """Median module ≤ 150 lines, none over 500, no function over 60 (seed data excepted)."""
    lines, big, long_functions = _sizes()
    assert statistics.median(lines) <= 150
    assert big == []
    assert long_functions == []


def test_every_type_ignore_says_why() -> None:
    unexplained = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted((SRC / ROOT).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "type: ignore" in line and not re.search(r"type: ignore\[[\w, -]+\]\s+#\s*\S", line)
    ]
    assert unexplained == []
