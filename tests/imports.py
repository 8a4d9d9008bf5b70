"""The import graph of the ``kg`` package, read from the source (nothing is imported): which module imports
which at load time, and which imports stand inside function bodies."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"


@dataclass
class Graph:
    edges: dict[str, set[str]] = field(default_factory=dict)  # module -> modules it imports at load time
    inner: list[tuple[str, str, int, str]] = field(default_factory=list)  # (module, imported, line, source line)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, modules: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif node.module and node.level == 0:
        names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    else:
        names = []
    found = {n for n in names if n in modules}
    for name in list(found):  # importing kg.a.b runs kg/a/__init__.py first
        parts = name.split(".")
        found |= {".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in modules}
    return found


def graph() -> Graph:
    files = {module_name(p): p for p in KG.rglob("*.py")}
    modules = set(files)
    result = Graph({m: set() for m in modules})
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()

        def visit(node: ast.AST, in_function: bool, module: str = name, source: list[str] = lines) -> None:
            if isinstance(node, ast.If) and _is_type_checking(node):
                return  # for the type checker only: never imported when the program runs
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets = _imported(node, modules) - {module} - {p for p in modules if module.startswith(p + ".")}
                if in_function:
                    result.inner += [(module, t, node.lineno, source[node.lineno - 1]) for t in sorted(targets)]
                else:
                    result.edges[module] |= targets
            inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            for child in ast.iter_child_nodes(node):
                visit(child, inside)

        visit(ast.parse(text), False)
    return result


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
