"""Reading our own source code as syntax trees, for the structure tests."""

from __future__ import annotations

import ast


def docstrings(tree: ast.AST) -> set[int]:
    """The ``id`` of every docstring node of a module's tree (module, classes, functions)."""
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
