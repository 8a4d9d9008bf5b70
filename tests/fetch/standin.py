"""A stand-in for the ClinicalTrials.gov API v2, for the tests and the README's examples (no network there).

A real HTTP/1.1 server (``http.server.ThreadingHTTPServer``, keep-alive) on a loopback port, independent of
trialkg, serving study records with its own selection logic:

* ``GET /api/v2/studies``: ``query.term`` (anywhere in the record), ``query.cond``, ``query.intr``,
  ``query.spons``, ``query.locn`` (case-insensitive substrings of the conditions and keywords, the
  interventions, the lead sponsor and collaborators, the locations), ``filter.overallStatus`` and
  ``filter.ids`` (comma or pipe separated; ids match a study's id or its aliases), ``filter.advanced``
  (only ``AREA[LastUpdatePostDate]RANGE[date,MAX]``), ``fields`` (``NCTId``, ``LastUpdatePostDate``),
  ``pageSize`` (default 10, above 1000 coerced to 1000), ``pageToken`` (opaque, tied to the other
  parameters: a token sent with other parameters is refused with 400), ``countTotal`` (first page only).
  As the real server, a token is sent whenever a page is exactly full, and following it gives an empty
  page. Unknown parameters get 400.
* ``GET /api/v2/studies/{nctId}``: the study, 404, or 301 to the study an alias now stands for.
* ``GET /api/v2/studies/download?format=json.zip``: every study in a zip, ``35/NCT02252835.json``.
* ``GET /api/v2/version``: ``{"apiVersion": ..., "dataTimestamp": ...}``.

Faults are injected per test (:meth:`StandIn.fault`): ``429`` (with ``Retry-After``), ``503``, ``drop``
(the connection closed without an answer), ``truncate`` (the body cut short of its ``Content-Length``),
``garble`` (cut short, with a matching length). By hand::

    python -m tests.fetch.standin --port 8765 [--corpus DIR] [--timestamp 2026-08-10T09:00:05]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

PREFIX = "/api/v2"
KNOWN = {
    "query.term",
    "query.cond",
    "query.intr",
    "query.spons",
    "query.locn",
    "filter.overallStatus",
    "filter.ids",
    "filter.advanced",
    "fields",
    "pageSize",
    "pageToken",
    "countTotal",
    "format",
}
SINCE = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]")
FIELDS = {"NCTId", "LastUpdatePostDate"}


@dataclass
class Fault:
    kind: str  # 429, 503, drop, truncate, garble
    path: str  # the request path (after /api/v2) starts with this
    after: int = 0  # matching requests let through first
    times: int = 1
    retry_after: str | None = None
    seen: int = 0
    fired: int = 0


@dataclass
class Request:
    path: str
    params: dict[str, str]
    user_agent: str
    at: float = field(default_factory=time.monotonic)


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def nct(study: dict[str, Any]) -> str:
    return str(_get(study, "protocolSection", "identificationModule", "nctId"))


def posted(study: dict[str, Any]) -> str:
    return str(_get(study, "protocolSection", "statusModule", "lastUpdatePostDateStruct", "date") or "")


def _texts(study: dict[str, Any], where: str) -> list[str]:
    p = study.get("protocolSection", {})
    if where == "query.cond":
        c = p.get("conditionsModule", {})
        return [*c.get("conditions", []), *c.get("keywords", [])]
    if where == "query.intr":
        return [
            name
            for i in _get(p, "armsInterventionsModule", "interventions") or []
            for name in [i.get("name", ""), *i.get("otherNames", [])]
        ]
    if where == "query.spons":
        s = p.get("sponsorCollaboratorsModule", {})
        return [_get(s, "leadSponsor", "name") or "", *(c.get("name", "") for c in s.get("collaborators", []))]
    if where == "query.locn":
        return [
            str(loc.get(k, ""))
            for loc in _get(p, "contactsLocationsModule", "locations") or []
            for k in ("facility", "city", "state", "country")
        ]
    return [json.dumps(study, ensure_ascii=False)]


class StandIn:
    """The server: ``records`` are API v2 study objects; ``url`` is the API base to give ``--api-url``."""

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        *,
        timestamp: str = "2026-08-10T09:00:05",
        api_version: str = "2.0.5",
        port: int = 0,
        delay: float = 0.0,
    ) -> None:
        self.studies = {nct(s): s for s in records}
        self.aliases: dict[str, str] = {}  # an old NCT id -> the study it now stands for
        self.timestamp, self.api_version, self.delay = timestamp, api_version, delay
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}"

    def start(self) -> StandIn:
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # what the tests change

    def put(self, study: dict[str, Any]) -> None:
        with self.lock:
            self.studies[nct(study)] = study

    def remove(self, nct_id: str) -> None:
        with self.lock:
            self.studies.pop(nct_id, None)

    def fault(self, kind: str, path: str = "/studies", after: int = 0, times: int = 1, retry_after: str | None = None):  # noqa: ANN201
        self.faults.append(Fault(kind, path, after, times, retry_after))

    def requests(self, path: str = "") -> list[Request]:
        return [r for r in self.log if r.path.startswith(path)]

    # the stand-in's own selection

    def select(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """The studies the parameters select, in NCT id order (what every page walks through)."""
        with self.lock:
            studies = sorted(self.studies.values(), key=nct)
        for name in ("query.term", "query.cond", "query.intr", "query.spons", "query.locn"):
            if params.get(name):
                needle = params[name].lower()
                studies = [s for s in studies if any(needle in t.lower() for t in _texts(s, name))]
        if params.get("filter.overallStatus"):
            codes = set(re.split(r"[,|]", params["filter.overallStatus"].upper()))
            studies = [s for s in studies if _get(s, "protocolSection", "statusModule", "overallStatus") in codes]
        if params.get("filter.ids"):
            wanted = {i.strip().upper() for i in re.split(r"[,|\s]", params["filter.ids"]) if i.strip()}
            studies = [s for s in studies if nct(s) in wanted or wanted & set(_aliases(s))]
        if params.get("filter.advanced"):
            match = SINCE.fullmatch(params["filter.advanced"])
            if match is None:
                raise ValueError(f"unsupported filter.advanced {params['filter.advanced']!r}")
            studies = [s for s in studies if posted(s) >= match.group(1)]
        return studies

    def token(self, params: dict[str, str], offset: int) -> str:
        raw = json.dumps({"o": offset, "k": _key(params)}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def zip_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, self.lock:
            for key in sorted(self.studies):
                archive.writestr(f"{key[-2:]}/{key}.json", json.dumps(self.studies[key], ensure_ascii=False))
        return out.getvalue()

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path) and fault.fired < fault.times:
                    fault.seen += 1
                    if fault.seen > fault.after:
                        fault.fired += 1
                        return fault
        return None


def _aliases(study: dict[str, Any]) -> list[str]:
    return list(_get(study, "protocolSection", "identificationModule", "nctIdAliases") or [])


def _key(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if k not in ("pageToken", "countTotal")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:16]


def _project(study: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"protocolSection": {}}
    if "NCTId" in fields:
        out["protocolSection"]["identificationModule"] = {"nctId": nct(study)}
    if "LastUpdatePostDate" in fields:
        out["protocolSection"]["statusModule"] = {"lastUpdatePostDateStruct": {"date": posted(study)}}
    return out


def _handler(api: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            split = urlsplit(self.path)
            params = dict(parse_qsl(split.query, keep_blank_values=True))
            path = split.path[len(PREFIX) :] if split.path.startswith(PREFIX) else ""
            with api.lock:
                api.log.append(Request(path, params, self.headers.get("User-Agent", "")))
            fault = api._fault(path)
            if fault is not None and fault.kind in ("429", "503"):
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return self._send(int(fault.kind), {"error": "try later"}, headers)
            if fault is not None and fault.kind == "drop":
                self.close_connection = True
                return None
            try:
                status, body, headers = self._answer(path, params)
            except ValueError as exc:
                status, body, headers = 400, {"error": str(exc)}, {}
            return self._send(status, body, headers, fault.kind if fault else None)

        def _answer(self, path: str, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
            if path == "/version":
                return 200, {"apiVersion": api.api_version, "dataTimestamp": api.timestamp}, {}
            if path == "/studies/download":
                if params.get("format") != "json.zip":
                    raise ValueError("format must be json.zip")
                return 200, api.zip_bytes(), {"Content-Type": "application/zip"}
            if path == "/studies":
                return 200, self._page(params), {}
            match = re.fullmatch(r"/studies/(NCT\d{8})", path)
            if match:
                wanted = match.group(1)
                if wanted in api.aliases:
                    return 301, {}, {"Location": f"{PREFIX}/studies/{api.aliases[wanted]}"}
                with api.lock:
                    study = api.studies.get(wanted)
                return (200, study, {}) if study else (404, {"error": f"{wanted} not found"}, {})
            return 404, {"error": "no such endpoint"}, {}

        def _page(self, params: dict[str, str]) -> dict[str, Any]:
            unknown = set(params) - KNOWN
            if unknown:
                raise ValueError(f"unknown parameters {sorted(unknown)}")
            fields = set(params["fields"].split(",")) if params.get("fields") else set()
            if fields - FIELDS:
                raise ValueError(f"unsupported fields {sorted(fields - FIELDS)}")
            size = min(int(params.get("pageSize") or 10), 1000)
            offset = 0
            if params.get("pageToken"):
                token = params["pageToken"]
                decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
                if decoded["k"] != _key(params):
                    raise ValueError("pageToken does not belong to these parameters")
                offset = decoded["o"]
            if api.delay:
                time.sleep(api.delay)
            chosen = api.select(params)
            page = chosen[offset : offset + size]
            answer: dict[str, Any] = {"studies": [_project(s, fields) if fields else s for s in page]}
            if len(page) == size:  # the quirk: a full page always has a token, even the last one
                answer["nextPageToken"] = api.token(params, offset + size)
            if params.get("countTotal") == "true" and not params.get("pageToken"):
                answer["totalCount"] = len(chosen)
            return answer

        def _send(self, status: int, body: Any, headers: dict[str, str], fault: str | None = None) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            sent = data[: len(data) // 2] if fault in ("truncate", "garble") else data
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(sent if fault == "garble" else data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(sent)
            if fault == "truncate":
                self.close_connection = True

    return Handler


def corpus_records(folder: Path) -> list[dict[str, Any]]:
    """The API v2 study objects of a folder of JSON files (one study each)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("NCT*.json"))]


def main() -> None:
    parser = argparse.ArgumentParser(description="A stand-in for the ClinicalTrials.gov API v2 on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[3] / "shared/corpus/ctgov-json"))
    parser.add_argument("--timestamp", default="2026-08-10T09:00:05", help="the data timestamp of /version")
    parser.add_argument("--updated", nargs="*", default=[], metavar="NCT", help="studies updated on --updated-on")
    parser.add_argument("--updated-on", default="2026-08-11", metavar="DATE", help="their new last update date")
    parser.add_argument("--removed", nargs="*", default=[], metavar="NCT", help="studies gone from the registry")
    args = parser.parse_args()
    api = StandIn(corpus_records(Path(args.corpus)), timestamp=args.timestamp, port=args.port)
    for nct_id in args.updated:  # a new version: verified and posted on that day
        status = api.studies[nct_id]["protocolSection"]["statusModule"]
        status["statusVerifiedDate"] = args.updated_on[:7]
        status["lastUpdatePostDateStruct"] = {"date": args.updated_on, "type": "ACTUAL"}
    for nct_id in args.removed:
        api.remove(nct_id)
    print(f"serving {len(api.studies)} studies at {api.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        api.server.serve_forever()


if __name__ == "__main__":
    main()
