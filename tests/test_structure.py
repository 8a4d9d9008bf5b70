"""The structure of the package: each decision in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests import imports
from tests.sourcecode import docstrings

KG = Path(__file__).resolve().parent.parent / "kg"
#: Path segments of the contract's IRIs (DESIGN.md): only kg/iris.py may write them after a base.
SEGMENTS = r"(?:trial|org|condition|intervention|country|graph|dataset|build|software|analytics|publisher)\b"
AFTER_BASE = re.compile(SEGMENTS)  # a string part that follows a {placeholder} of an f-string
IN_IRI = re.compile(r"w3id\.org/trialkg/" + SEGMENTS)
MINTER = KG / "iris.py"


def _minted(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module writes a contract IRI itself: ``f"{base}trial/..."`` or ``".../w3id.org/trialkg/org/..."``."""
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            pairs = zip(node.values, node.values[1:], strict=False)
            found += [
                (node.lineno, after.value)
                for before, after in pairs
                if isinstance(before, ast.FormattedValue)
                and isinstance(after, ast.Constant)
                and isinstance(after.value, str)
                and AFTER_BASE.match(after.value)
            ]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found += [(node.lineno, node.value)] if IN_IRI.search(node.value) else []
    return found


@pytest.mark.parametrize(
    "module", sorted(p for p in KG.rglob("*.py") if p != MINTER), ids=lambda p: str(p.relative_to(KG))
)
def test_only_kg_iris_mints_contract_iris(module: Path) -> None:
    found = _minted(ast.parse(module.read_text(encoding="utf-8")))
    assert not found, f"{module.relative_to(KG)} spells out contract IRIs; ask kg.iris.Iris: {found}"


def test_the_check_finds_what_it_looks_for() -> None:
    tree = ast.parse('x = f"{base}trial/{nct}"\ny = "https://w3id.org/trialkg/org/acme"\nz = f"{a}/arm/{i}"')
    assert [line for line, _ in _minted(tree)] == [1, 2]


def test_no_import_circle() -> None:
    assert imports.cycles(imports.graph().edges) == []


def test_imports_inside_functions_say_why() -> None:
    """An import of our own inside a function is allowed where a comment on it says why (a heavy
    dependency that a command loads only when it runs, so that ``trialkg --help`` stays fast)."""
    unexplained = [(m, line, text.strip()) for m, _, line, text in imports.graph().inner if "#" not in text]
    assert not sorted(set(unexplained))


def test_the_circle_finder_finds_circles() -> None:
    assert imports.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
