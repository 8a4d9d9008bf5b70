"""Fetching records from the ClinicalTrials.gov API v2 and keeping a release current.

:mod:`~kg.fetch.client` (HTTP: politeness, retries), :mod:`~kg.fetch.paging` (the query and its pages),
:mod:`~kg.fetch.writer` (the fetch directory: atomic study files, the resume state, ``fetch.json``),
:mod:`~kg.fetch.fetch` (``trialkg fetch``), :mod:`~kg.fetch.bulk` (``--all``, the bulk zip) and
:mod:`~kg.fetch.update` (``trialkg update``).
"""

from __future__ import annotations

from kg.errors import FetchError

DEFAULT_API = "https://clinicaltrials.gov/api/v2"

__all__ = ["DEFAULT_API", "FetchError"]
