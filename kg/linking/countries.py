"""Country names as the registry writes them -> ISO 3166-1 alpha-2 codes (pycountry + the registry's own spellings)."""

from __future__ import annotations

from functools import lru_cache

import pycountry

#: Names the registry uses that pycountry does not know under that spelling.
REGISTRY_NAMES: dict[str, str] = {
    "turkey": "TR",
    "türkiye": "TR",
    "turkey (türkiye)": "TR",
    "former yugoslavia": "YU",
    "korea, republic of": "KR",
    "south korea": "KR",
    "korea, democratic people's republic of": "KP",
    "north korea": "KP",
    "taiwan": "TW",
    "russia": "RU",
    "iran": "IR",
    "vietnam": "VN",
    "viet nam": "VN",
    "czech republic": "CZ",
    "macedonia, the former yugoslav republic of": "MK",
    "north macedonia": "MK",
    "former serbia and montenegro": "CS",
    "serbia and montenegro": "CS",
    "congo, the democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo": "CG",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "syria": "SY",
    "moldova": "MD",
    "moldova, republic of": "MD",
    "lao people's democratic republic": "LA",
    "laos": "LA",
    "palestinian territory, occupied": "PS",
    "palestinian territories, occupied": "PS",
    "palestine": "PS",
    "libyan arab jamahiriya": "LY",
    "swaziland": "SZ",
    "cape verde": "CV",
    "côte d'ivoire": "CI",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "netherlands antilles": "AN",
    "holy see (vatican city state)": "VA",
    "micronesia, federated states of": "FM",
    "virgin islands (u.s.)": "VI",
    "united kingdom": "GB",
    "united states": "US",
    "kosovo": "XK",
}


@lru_cache(maxsize=4096)
def iso_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name, or ``None`` where it is not a known country."""
    if not name or not name.strip():
        return None
    key = name.strip().casefold()
    if key in REGISTRY_NAMES:
        return REGISTRY_NAMES[key]
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        return None
