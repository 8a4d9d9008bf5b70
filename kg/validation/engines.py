"""The SHACL engines by name, and ``trialkg validate``.

``fast`` (:mod:`kg.validation.compiled`, the default: the shapes compiled to set-wise checks and SPARQL
over pyoxigraph) and ``pyshacl`` (:class:`kg.validation.engine.Validator`, the reference engine) give
the very same results; ``tests/validation`` checks it on the whole corpus.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import TrialkgError, ValidationError
from kg.validation.compiled import FastValidator
from kg.validation.engine import Validator, dump_of, load
from kg.validation.report import text_report, write_reports

ENGINES = ("fast", "pyshacl")
DEFAULT_ENGINE = "fast"


def new_validator(engine: str = DEFAULT_ENGINE, shapes: Iterable[str | Path] | None = None) -> Any:
    """A validator by engine name: ``fast`` (:mod:`kg.validation.compiled`) or ``pyshacl`` (:class:`Validator`)."""
    if engine == "pyshacl":
        return Validator(shapes)
    if engine == "fast":
        return FastValidator(shapes)
    raise ValidationError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")


def validate_path(path: str, out_dir: str | None = None, engine: str = DEFAULT_ENGINE) -> int:
    """``trialkg validate PATH``: validate a release or an RDF file, print the report, write it to
    ``out_dir`` (text, Turtle, HTML) if given. Exit code: 0 no Violation (warnings allowed), 1 a
    Violation, 2 error. The Turtle report's ``sh:conforms`` is SHACL's: false with warnings too."""
    try:
        dump = dump_of(Path(path))
        report = new_validator(engine).validate_store(load(dump))
        print(f"validated {dump}")
        print(text_report(report))
        if out_dir is not None:
            for written in write_reports(report, out_dir):
                print(f"wrote {written}")
    except TrialkgError as exc:  # input errors; other failures (a read-only --out) go up to the CLI's top level
        print(f"trialkg: {exc}", file=sys.stderr)
        return 2
    return 0 if report.conforms else 1
