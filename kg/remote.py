"""A remote SPARQL endpoint as a query :class:`~kg.query.Source`, through SPARQLWrapper.

The endpoint is given as a store's base or query URL (see :mod:`kg.stores` for the presets), with
the layout its release was loaded in (``trialkg load``), so that queries see exactly the release
whatever the store takes the default graph to be:

* default layout: the triples are in the store's default graph; nothing to ask for;
* ``graph=IRI``: the triples are in one named graph, sent as ``default-graph-uri`` (which takes precedence
  over a store's union default graph);
* ``per_study=True``: one named graph per study; the query asks for the union of the named graphs the
  store's way (Oxigraph ``union-default-graph``, Fuseki ``urn:x-arq:UnionGraph``; others by default).

Results come back as SPARQL JSON; every cell is its lexical form ('' where unbound), as on a local release.
"""

from __future__ import annotations

import json
import math
import urllib.error
from typing import Any

from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.errors import LoadError, QueryError
from kg.stores import Endpoints, resolve
from kg.transport import ENV_PASSWORD, ENV_TOKEN, ENV_USER, TRANSIENT, Auth, Retry, with_retries

Row = dict[str, str]


class RemoteEndpoint:
    """Runs queries on a SPARQL 1.1 endpoint (implements :class:`kg.query.Source`)."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        graph: str | None = None,
        per_study: bool = False,
        auth: Auth | None = None,
        timeout: float = 300.0,
        retry: Retry | None = None,
    ) -> None:
        if graph and per_study:
            raise QueryError("give either --graph IRI or --per-study, not both")
        self.endpoints, self.graph, self.per_study = endpoints, graph, per_study
        self.auth, self.timeout, self.retry = auth or Auth(), timeout, retry or Retry(attempts=4)
        self.url = endpoints.query

    @classmethod
    def connect(cls, url: str, **options: Any) -> RemoteEndpoint:
        """The endpoint at ``url`` (a store's base or query URL). Options: ``store`` (a preset name),
        ``graph``, ``per_study``, ``user``/``password``/``token`` (else from the environment), ``digest`` (HTTP
        digest, not basic), ``timeout``."""
        store = options.pop("store", None)
        credentials = {k: options.pop(k, None) for k in ("user", "password", "token", "digest")}
        credentials["digest"] = bool(credentials["digest"])
        try:
            endpoints = resolve(url, store)
            auth = Auth.resolve(**credentials)
        except LoadError as exc:
            raise QueryError(str(exc)) from exc
        return cls(endpoints, auth=auth, **options)

    def _wrapper(self, text: str, fmt: str) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.url, agent="trialkg (https://w3id.org/trialkg/)")
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setReturnFormat(fmt)
        sparql.setTimeout(max(1, math.ceil(self.timeout)))  # whole seconds; 0 would mean none
        if self.auth.user:
            sparql.setCredentials(self.auth.user, self.auth.password or "")
            if self.auth.digest:
                sparql.setHTTPAuth(DIGEST)
        if self.auth.token:
            sparql.addCustomHttpHeader("Authorization", f"Bearer {self.auth.token}")
        if self.graph:
            sparql.addDefaultGraph(self.graph)
        elif self.per_study:
            for name, value in self.endpoints.union:
                if name == "default-graph-uri":
                    sparql.addDefaultGraph(value)
                else:
                    sparql.addParameter(name, value)
        sparql.setQuery(text)
        return sparql

    def _send(self, text: str, fmt: str) -> Any:
        sparql = self._wrapper(text, fmt)

        def transient(exc: Exception) -> str | None:
            if isinstance(exc, urllib.error.HTTPError):
                return (exc.headers.get("Retry-After") or "") if exc.code in TRANSIENT else None
            if _timed_out(exc):  # not asked again: a stuck store would only get a second copy to work on
                return None
            return "" if isinstance(exc, urllib.error.URLError | ConnectionError) else None

        try:
            return with_retries(self.retry, lambda: sparql.query().convert(), transient)
        except SPARQLWrapperException as exc:
            raise QueryError(self._explain(exc)) from exc
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise QueryError(self._denied(exc.code)) from exc
            raise QueryError(f"the endpoint {self.url} answered {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            if _timed_out(exc):
                raise QueryError(
                    f"the endpoint {self.url} did not answer within {self.timeout:g} s; it may be stuck or busy: "
                    "try again later, or with a longer timeout"
                ) from exc
            reason = getattr(exc, "reason", exc)
            raise QueryError(
                f"cannot reach the endpoint {self.url} ({reason}); is it running at that address?"
            ) from exc

    def _denied(self, code: int) -> str:
        return (
            f"the endpoint {self.url} refused the query ({code}); give credentials with --user/--password or "
            f"--token (or {ENV_USER}/{ENV_PASSWORD}, {ENV_TOKEN})"
        )

    def _explain(self, exc: SPARQLWrapperException) -> str:
        kind = type(exc).__name__
        detail = " ".join(str(exc).split())[:400]
        if kind == "Unauthorized":
            return self._denied(401)
        if kind == "EndPointNotFound":
            return f"no SPARQL endpoint at {self.url} (404); give the store's base or query URL (and --store)"
        if kind == "QueryBadFormed":
            return f"the endpoint {self.url} rejected the query as malformed: {detail}"
        return f"the endpoint {self.url} failed on the query: {detail}"

    def select(self, text: str) -> tuple[list[str], list[Row]]:
        result = self._send(text, JSON)
        if not isinstance(result, dict) or "head" not in result:
            raise QueryError(f"the endpoint {self.url} did not answer with SPARQL JSON results")
        if "boolean" in result:
            raise QueryError("only SELECT queries give rows")
        columns = list(result["head"].get("vars", []))
        bindings = result.get("results", {}).get("bindings", [])
        return columns, [{c: b[c]["value"] if c in b else "" for c in columns} for b in bindings]

    def construct(self, text: str) -> set[str]:
        """The triples of a CONSTRUCT (or DESCRIBE) query as a set of N-Triples lines."""
        import pyoxigraph as ox

        data = self._send(text, TURTLE)
        if isinstance(data, str):
            data = data.encode()
        if not isinstance(data, bytes):  # SPARQLWrapper parsed it with rdflib
            data = data.serialize(format="nt").encode()
        return {str(t) + " ." for t in ox.parse(data, format=ox.RdfFormat.TURTLE)}

    def count(self, where: str = "?s ?p ?o") -> int:
        """``COUNT(*)`` of a graph pattern."""
        _, rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        try:
            return int(rows[0]["n"])
        except (IndexError, KeyError, ValueError) as exc:
            raise QueryError(f"the endpoint {self.url} gave no count: {json.dumps(rows)[:200]}") from exc


def _timed_out(exc: BaseException) -> bool:
    """A request that got no answer in time (raised as such, or as the reason of a URLError)."""
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)
