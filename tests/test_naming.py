from __future__ import annotations

import pytest

from kg.naming import fold, local, mesh_ui, slug


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("D000001249", "D001249"),  # Asthma, padded by API v2
        ("D001249", "D001249"),
        ("D000086382", "D000086382"),  # COVID-19: a 10-character UI already
        ("D066087", "D066087"),  # the newest 7-character descriptor the registry's data shows
        ("D000066888", "D000066888"),  # Diet, Food, and Nutrition: 10 characters
        ("C000018404", "C018404"),  # supplementary concept records too
        ("C584390", "C584390"),
        (" D000012130 ", "D012130"),
    ],
)
def test_mesh_ui_canonical(raw: str, canonical: str) -> None:
    assert mesh_ui(raw) == canonical


@pytest.mark.parametrize("bad", ["", "Q000941", "D12a", "asthma"])
def test_mesh_ui_rejects_non_uis(bad: str) -> None:
    with pytest.raises(ValueError):
        mesh_ui(bad)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hôpital Saint-Louis", "hopital-saint-louis"),
        ("HOPITAL  SAINT LOUIS", "hopital-saint-louis"),
        ("Johnson & Johnson", "johnson-and-johnson"),
        ("M.D. Anderson Cancer Center", "m-d-anderson-cancer-center"),
        ("上海东方医院", "上海东方医院"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_slug_never_empty_and_bounded() -> None:
    assert slug("---").startswith("x-")
    assert slug("---") != slug("***")
    assert len(slug("a" * 500)) <= 120


def test_local() -> None:
    assert local("NCT01234567") == "NCT01234567"
    assert local("a b/c") == "a-b-c"


@pytest.mark.parametrize(
    ("text", "folded"), [("Hôpital Saint-Louis", "hopital saint-louis"), ("Straße", "strasse"), ("ÅRHUS", "arhus")]
)
def test_fold_drops_accents_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded
