"""Every error trialkg raises on purpose, in one tree. Each message says what failed and what to do.

TrialkgError
├── InputError            an input path cannot be read or its format cannot be told
├── RecordError           one record cannot be parsed (the build quarantines it and goes on)
├── ValidationError       data or shapes cannot be validated at all (not: data that does not conform)
├── ReleaseError          a release directory is missing, incomplete or cannot be written
├── WorkerError           a build's worker process could not start (the message says why)
├── QueryError            a canned query is unknown, a parameter is missing or a query fails (locally or remotely)
├── LoadError             a release cannot be pushed into a triple store, or the store disagrees after loading
├── ServeError            the server cannot start: its port is in use, or its address cannot be bound
├── FetchError            the registry's API cannot be reached, keeps failing, or answers what a client cannot use
└── AnalyticsError        an analysis cannot run: a bad filter value, or an output directory that is a release
"""

from __future__ import annotations


class TrialkgError(Exception):
    """Base class: catch this to catch every error trialkg raises on purpose."""


class InputError(TrialkgError):
    pass


class RecordError(TrialkgError):
    pass


class ValidationError(TrialkgError):
    pass


class ReleaseError(TrialkgError):
    pass


class WorkerError(TrialkgError):
    pass


class QueryError(TrialkgError):
    pass


class LoadError(TrialkgError):
    pass


class ServeError(TrialkgError):
    pass


class AnalyticsError(TrialkgError):
    pass


class FetchError(TrialkgError):
    pass
