"""The release's files for download at ``/downloads/NAME``: only files of the release, by exact name.

The list is made once, when the server starts, by walking the release directory (a release never
changes once written). A request names a file of that list or gets 404: there is no path to
traverse. The store (``store/``, the query index) is internal and not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

from kg.serve import pages
from kg.serve.errors import not_found
from kg.serve.formats import wants_html

INTERNAL = {"store", "studies.sqlite"}  # the query index; what the next build reuses
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".html": "text/html",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
}
DESCRIPTIONS = {
    "trialkg.ttl": "The whole graph as Turtle",
    "trialkg.nt.gz": "The whole graph as gzipped N-Triples",
    "trialkg.nq.gz": "The whole graph as gzipped N-Quads, one named graph per study",
    "void.ttl": "VoID and DCAT description of the dataset, with statistics",
    "trialkg.jsonld": "The whole graph as JSON-LD",
    "context.jsonld": "The JSON-LD context of the JSON-LD dump",
    "build-report.json": "The build report: inputs, counts, quarantined records",
}
FOLDERS = {
    "ontology": "The ontology the data uses",
    "shapes": "SHACL shapes the data conforms to",
    "validation": "The validation report",
    "quarantine": "Records that could not be published, each with its reason",
    "delta": "What changed since the previous release",
}


@dataclass(frozen=True)
class ReleaseFile:
    name: str  # the path inside the release, with "/"
    path: Path
    size: int
    media_type: str
    description: str

    @property
    def dump(self) -> bool:
        """A dump of the whole graph (rather than metadata about it)."""
        return "/" not in self.name and self.name.startswith("trialkg.")


def release_files(root: Path) -> dict[str, ReleaseFile]:
    files: dict[str, ReleaseFile] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in INTERNAL or any(p.startswith(".") for p in rel.parts):
            continue
        name = rel.as_posix()
        suffixes = [s for s in path.suffixes if s in MEDIA_TYPES]
        media = MEDIA_TYPES[suffixes[-1]] if suffixes else "application/octet-stream"
        description = DESCRIPTIONS.get(name) or (FOLDERS.get(rel.parts[0], "") if len(rel.parts) > 1 else "")
        files[name] = ReleaseFile(name, path, path.stat().st_size, media, description)
    return files


def listing(request: Request) -> Response:
    site = request.state.site
    if wants_html(request):
        return HTMLResponse(pages.downloads_page(site), headers={"Vary": "Accept"})
    files = [
        {
            "name": f.name,
            "url": str(request.url_for("download", name=f.name)),
            "size": f.size,
            "media_type": f.media_type,
            "description": f.description,
        }
        for f in site.files.values()
    ]
    return JSONResponse({"files": files}, headers={"Vary": "Accept"})


def download(request: Request) -> Response:
    site = request.state.site
    name = request.path_params["name"]
    found = site.files.get(name)
    if found is None:
        raise not_found(f"{name!r} is not a file of this release", "Every file of the release is listed at /downloads.")
    return FileResponse(
        found.path,
        media_type=found.media_type,
        filename=found.path.name,
        content_disposition_type="inline",
    )
