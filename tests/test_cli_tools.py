"""The developers' commands: ``trialkg link-report`` and ``trialkg ontology``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from tests.fixtures import api_study, write_json


def test_link_report_counts_organisations_and_writes_the_variants(tmp_path: Path) -> None:
    one, two = api_study("NCT00000001"), api_study("NCT00000002")
    two["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = "EXAMPLE UNIVERSITY HOSPITAL, INC."
    write_json(tmp_path / "in" / "a.json", [one, two])
    variants = tmp_path / "variants.sssom.tsv"
    done = CliRunner().invoke(main, ["link-report", str(tmp_path / "in"), "--variants", str(variants)])
    assert done.exit_code == 0, done.output
    figures = {line[:27].strip(): line[27:].split()[0] for line in done.output.splitlines() if line[:1] != " "}
    assert (figures["org nodes before merging"], figures["org nodes after key+lexicon"]) == ("4", "4")
    assert (figures["merged spellings"], figures["names split by country"]) == ("2", "1")  # INC. merged
    header = [line for line in variants.read_text(encoding="utf-8").splitlines() if not line.startswith("#")][0]
    assert header.split("\t")[:4] == ["subject_id", "subject_label", "predicate_id", "object_id"]


def test_ontology_check_says_the_generated_parts_are_up_to_date() -> None:
    done = CliRunner().invoke(main, ["ontology", "--check"])
    assert done.exit_code == 0, done.output
    assert done.output == ""
