"""The README's console blocks are what their commands print now (timings, dates and release versions
masked): every block is regenerated with cog (``make readme``; see ``docs/readme.py``) and compared.

The blocks run on the bundled example, the corpus release (the session's shared fixture), the tests'
stand-in of the registry's API and a real Oxigraph server, so this is a slow test (a few minutes)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


@pytest.mark.slow
def test_every_console_block_is_what_its_commands_print(corpus_release, monkeypatch: pytest.MonkeyPatch) -> None:
    cogapp = pytest.importorskip("cogapp", reason="cogapp is a dev dependency (pip install -e '.[dev]')")
    release, _ = corpus_release
    monkeypatch.setenv("TRIALKG_README_CORPUS", str(release))
    monkeypatch.syspath_prepend(str(ROOT / "docs"))
    sys.modules.pop("readme", None)
    import readme

    cog = cogapp.Cog()
    cog.options.prologue = "import readme"
    written = README.read_text(encoding="utf-8")
    lines = written.splitlines()
    unmade = [n + 1 for n, line in enumerate(lines) if line == "```console" and not lines[n - 1].endswith("]]] -->")]
    assert not unmade, f"console blocks not made by a command (no cog marker above them): lines {unmade}"
    regenerated = cog.process_string(written, str(README))
    assert regenerated.count("```console") == written.count("```console") > 0
    want, got = readme.masked(written).splitlines(), readme.masked(regenerated).splitlines()
    stale = "\n".join(difflib.unified_diff(want, got, "README.md", "what the commands print now", lineterm=""))
    assert not stale, f"README.md is stale: run `make readme`\n{stale}"
