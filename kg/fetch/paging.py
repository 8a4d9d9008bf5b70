"""What a fetch asks the API for (:class:`Query`) and the pages of the answer (:func:`pages`).

``GET /studies`` answers ``{"studies": [...], "nextPageToken": "...", "totalCount": N}``; every later
page repeats all the parameters but the token, and the last page has no token. The server sends a
token whenever a page is exactly full, so the page after the last full one may be empty: that is
the end, not an error. ``countTotal`` is asked for on the first page only (it is counted there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kg.fetch import FetchError
from kg.fetch.client import ApiClient

PAGE_SIZE = 1000  # the most the server gives per page (it coerces anything larger to this)
IDS_PER_REQUEST = 200  # NCT ids per filter.ids request (12 characters each: the URL stays short)
NCT = re.compile(r"NCT\d{8}")


@dataclass(frozen=True)
class Query:
    """A selection of studies, as the options of ``trialkg fetch`` give it."""

    term: str | None = None
    condition: str | None = None
    intervention: str | None = None
    sponsor: str | None = None
    location: str | None = None
    statuses: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    since: str | None = None  # YYYY-MM-DD: last update posted on or after
    max: int | None = None
    extra: dict[str, str] = field(default_factory=dict)  # any other API parameter, as given

    def __post_init__(self) -> None:
        if self.since is not None:
            try:
                date.fromisoformat(self.since)
            except ValueError:
                raise FetchError(f"--since {self.since}: not a date; write it as YYYY-MM-DD") from None
        bad = [i for i in self.ids if not NCT.fullmatch(i)]
        if bad:
            raise FetchError(f"--ids: {', '.join(bad[:5])} is not an NCT id (NCT and 8 digits)")

    def params(self, ids: tuple[str, ...] | None = None) -> dict[str, str]:
        """The API parameters of this selection (of ``ids``, a part of :attr:`ids`, when given)."""
        p: dict[str, str] = {}
        for name, value in (
            ("query.term", self.term),
            ("query.cond", self.condition),
            ("query.intr", self.intervention),
            ("query.spons", self.sponsor),
            ("query.locn", self.location),
        ):
            if value:
                p[name] = value
        if self.statuses:
            p["filter.overallStatus"] = ",".join(s.upper() for s in self.statuses)
        chosen = self.ids if ids is None else ids
        if chosen:
            p["filter.ids"] = ",".join(chosen)
        if self.since:
            p["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{self.since},MAX]"
        return {**p, **self.extra}

    def id_chunks(self) -> list[tuple[str, ...] | None]:
        """The ``filter.ids`` parts to ask for one after the other (``[None]``: no ids, one query)."""
        if not self.ids:
            return [None]
        ids = sorted(set(self.ids))
        return [tuple(ids[i : i + IDS_PER_REQUEST]) for i in range(0, len(ids), IDS_PER_REQUEST)]

    def later(self, since: str) -> Query:
        """The same selection, only the studies updated on or after ``since`` (and after our own since)."""
        return Query(**{**asdict(self), "since": max(since, self.since or since), "max": None})

    def everything(self) -> Query:
        """The same selection with no date and no maximum: what the registry holds for it today."""
        return Query(**{**asdict(self), "since": None, "max": None})

    def recorded(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Query:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("statuses", "ids"):
            known[key] = tuple(known.get(key) or ())
        return cls(**known)


@dataclass
class Page:
    studies: list[dict[str, Any]]
    token: str | None  # the token that gives the page after this one
    total: int | None  # on the first page


def pages(
    api: ApiClient, params: dict[str, str], page_size: int = PAGE_SIZE, token: str | None = None
) -> Iterator[Page]:
    """The pages of ``GET /studies`` with ``params``, from ``token`` (None: the first page) to the end."""
    first = token is None
    while True:
        asked = {**params, "pageSize": str(page_size), "format": "json"}
        if first:
            asked["countTotal"] = "true"
        if token:
            asked["pageToken"] = token
        answer = api.get_json("studies", asked)
        studies = answer.get("studies") if isinstance(answer, dict) else None
        if not isinstance(studies, list):
            raise FetchError(f"GET {api.url('studies')}: the answer has no list of studies; check --api-url")
        token = answer.get("nextPageToken") or None
        total = answer.get("totalCount") if first else None
        yield Page(studies, token, int(total) if isinstance(total, int) else None)
        first = False
        if token is None or not studies:  # no token, or the empty page after a full last one: the end
            return


def nct_of(study: dict[str, Any]) -> str:
    """The NCT id of a study object of the API (a :class:`FetchError` when it has none)."""
    nct = study.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
    if not isinstance(nct, str) or not NCT.fullmatch(nct):
        raise FetchError(f"the registry sent a study without a valid NCT id ({str(nct)[:40]!r}); try again later")
    return nct


def last_update(study: dict[str, Any]) -> str:
    """The date its last update was posted (``lastUpdatePostDateStruct.date``), or ''."""
    status = study.get("protocolSection", {}).get("statusModule", {})
    value = (status.get("lastUpdatePostDateStruct") or {}).get("date")
    return value if isinstance(value, str) else ""


def aliases(study: dict[str, Any]) -> list[str]:
    """The other NCT ids the study is known by (``nctIdAliases``)."""
    found = study.get("protocolSection", {}).get("identificationModule", {}).get("nctIdAliases") or []
    return [a for a in found if isinstance(a, str)]
