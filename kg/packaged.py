"""Where the files shipped inside the package are: the ontology, the SHACL shapes, the canned queries and
the lexicons. They are package data, found with :mod:`importlib.resources`, so that an installed wheel
finds them as a checkout does (the checkout's top-level ``ontology/``, ``shapes/`` and ``queries/`` are
links to these folders)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The installed package's folder (a wheel installs unpacked: its data files are real files).
PACKAGE = Path(str(files("kg")))
ONTOLOGY_DIR = PACKAGE / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "trialkg.ttl"
SHAPES_DIR = PACKAGE / "shapes"
QUERIES_DIR = PACKAGE / "queries"
LEXICONS_DIR = PACKAGE / "lexicons"
