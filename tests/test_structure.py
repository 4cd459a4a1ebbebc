"""The package's shape: no import cycles (function-level imports count too), no private name
imported across modules, no Qt below ``gui/``, no module over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import grok_spicy_desktop

PACKAGE = Path(grok_spicy_desktop.__file__).parent
NAME = "grok_spicy_desktop"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = [NAME, *rel.parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(mods: dict[str, Path]) -> dict[str, set[tuple[str, str | None]]]:
    """module -> {(imported module, imported name or None)} for every import anywhere in it."""
    out: dict[str, set[tuple[str, str | None]]] = {}
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[tuple[str, str | None]] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update((a.name, None) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, path.name == "__init__.py", node)
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add((sub, None) if sub in mods else (target, alias.name))
        out[module] = {(m, n) for m, n in found if m.startswith(NAME)}
    return out


def _type_checking_only(path: Path) -> set[str]:
    """Modules imported only under ``if TYPE_CHECKING:`` (no runtime edge)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.module:
                    names.add(sub.module.lstrip("."))
    return names


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_even_through_function_level_imports() -> None:
    mods = modules()
    graph: dict[str, set[str]] = {}
    for module, found in imports(mods).items():
        skip = _type_checking_only(mods[module])
        edges = set()
        for target, _name in found:
            if target == module or target not in mods:
                continue
            if any(target.endswith(s.split(".")[-1]) and s for s in skip if s):
                continue
            if mods[target].name == "__init__.py" and module.startswith(target + "."):
                continue  # a package's own __init__ re-exporting is not a cycle through it
            edges.add(target)
        graph[module] = edges
    assert cycles(graph) == []


def test_a_found_cycle_is_reported() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_across_modules() -> None:
    crossing = []
    for module, found in imports(modules()).items():
        for target, name in found:
            if name and name.startswith("_") and not name.startswith("__") and target != module:
                crossing.append(f"{module} imports {target}.{name}")
    assert crossing == []


def test_no_qt_below_the_gui() -> None:
    offenders = set()
    for module, path in modules().items():
        # selftest checks that the installed Qt loads; it sits beside the CLI, above the GUI.
        if module.startswith(f"{NAME}.gui") or module == f"{NAME}.selftest":
            continue
        text = path.read_text(encoding="utf-8")
        if "PySide6" in text and "import" in text:
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                    if any(n.startswith("PySide6") for n in names):
                        offenders.add(module)
    assert offenders == set()


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
