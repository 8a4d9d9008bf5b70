"""The w3id.org redirects (``w3id/trialkg/.htaccess``, made by :mod:`kg.serve.w3id`) under a real Apache
httpd, as w3id.org runs them: every kind of IRI in the known release, asked of Apache at
``/trialkg/{path}`` as a browser and as an RDF client, is sent (303) to a URL of ``trialkg serve``
that answers 200 with a page, or with RDF that mentions the IRI."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.mapping.namespaces import DEFAULT_BASE
from kg.serve.w3id import htaccess
from tests.fixtures import stop, wait_until_answering
from tests.load.conftest import free_port
from tests.serve.conftest import Server

COMMITTED = Path(__file__).resolve().parents[2] / "w3id" / "trialkg" / ".htaccess"
APACHE = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin")
MODULES = Path("/usr/lib/apache2/modules")  # Debian's
STARTUP_SECONDS = 20
HTML, TURTLE = "text/html", "text/turtle"
#: The release's RDF files by how their names end (the JSON-LD dump holds what the others hold).
RDF_FILES = {".ttl": ox.RdfFormat.TURTLE, ".nt.gz": ox.RdfFormat.N_TRIPLES, ".nq.gz": ox.RdfFormat.N_QUADS}
#: What an RDF client may get: a description in Turtle, or a gzipped N-Quads dump (the shared graph).
ANSWERS = {TURTLE: ox.RdfFormat.TURTLE, "application/gzip": ox.RdfFormat.N_QUADS}

CONF = """\
ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
{user}PidFile {root}/httpd.pid
DefaultRuntimeDir {root}
ErrorLog {root}/error.log
DocumentRoot {root}/htdocs
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {root}/htdocs>
    AllowOverride All
    Require all granted
</Directory>
"""


def test_the_committed_htaccess_is_the_generated_one() -> None:
    text = COMMITTED.read_text(encoding="utf-8")
    made_for = re.search(r"`trialkg w3id --serve-url (\S+)`", text)
    assert made_for, f"{COMMITTED} does not say which server it was made for"
    done = CliRunner().invoke(main, ["w3id", "--serve-url", made_for.group(1)])
    assert done.exit_code == 0, done.output
    assert done.output == text, f"{COMMITTED} is stale: regenerate it with {made_for.group(0)}"


@pytest.mark.parametrize("url", ["ftp://kg.example.org/", "https://kg.example.org/$1", "kg.example.org"])
def test_a_url_mod_rewrite_cannot_redirect_to_is_refused(url: str) -> None:
    done = CliRunner().invoke(main, ["w3id", "--serve-url", url])
    assert done.exit_code == 2 and "not a server URL" in done.output, done.output


def release_iris(release: Path) -> set[str]:
    """Every IRI under the base in the release's RDF files (dumps with their graph names, VoID, ontology,
    shapes, delta), the query index apart."""
    found = set()
    for path in sorted(release.rglob("*")):
        fmt = next((f for end, f in RDF_FILES.items() if path.name.endswith(end)), None)
        if fmt is None or "store" in path.relative_to(release).parts:
            continue
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        for quad in ox.parse(data, format=fmt, base_iri=path.as_uri()):
            terms = (quad.subject, quad.predicate, quad.object, getattr(quad, "graph_name", None))
            found |= {t.value for t in terms if isinstance(t, ox.NamedNode) and t.value.startswith(DEFAULT_BASE)}
    return found


def kind(iri: str) -> str:
    """The pattern of an IRI's path: its first segment, the names of a study's parts, ``*`` for the
    other segments (``trial/*/arm/*``, ``org/*``, ``vocab/*/*``, ``vocab/``), and whether it is ASCII."""
    segments = iri[len(DEFAULT_BASE) :].split("#")[0].split("/")
    study = segments[0] == "trial"
    shape = [s if i == 0 or not s or (study and i % 2 == 0) else "*" for i, s in enumerate(segments)]
    return "/".join(shape) + ("" if iri.isascii() else " (not ASCII)")


@pytest.fixture(scope="module")
def kinds(known_release: Path) -> dict[str, str]:
    """One IRI of each kind (the one without a fragment first: the document a hash IRI is in)."""
    chosen: dict[str, str] = {}
    for iri in sorted(release_iris(known_release), key=lambda i: ("#" in i, i)):
        chosen.setdefault(kind(iri), iri)
    return chosen


def test_the_release_has_every_kind_of_iri(kinds: dict[str, str]) -> None:
    """The kinds below are those of the data contract and the release's description: a release without
    them would make the test below prove less."""
    expected = {
        "",
        "trial/*",
        "trial/*/site/*",
        "org/*",
        "org/* (not ASCII)",
        "condition/*",
        "intervention/*",
        "country/*",
        "graph/*",
        "dataset",
        "dataset/*",
        "dataset/*/*",
        "publisher",
        "build/*",
        "software/*/*",
        "ontology",
        "ontology/*",
        "vocab/",
        "vocab/*/*",
        "shapes",
    }
    assert expected <= set(kinds), sorted(expected - set(kinds))


def _readable(*paths: Path) -> None:
    """Apache started as root answers as ``nobody``, who must read the rules."""
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture(scope="module")
def apache(server: Server) -> Iterator[str]:
    """A real Apache httpd whose ``/trialkg/`` has the rules for the test's ``trialkg serve``."""
    if APACHE is None or not (MODULES / "mod_rewrite.so").is_file():
        pytest.skip("Apache httpd is not installed (Debian package apache2-bin; `make system-deps` installs it)")
    setpriv = shutil.which("setpriv")
    # Not pytest's tmp_path: its directories are private to this user, and Apache answers as nobody.
    with tempfile.TemporaryDirectory(prefix="trialkg-w3id-") as tmp:
        root = Path(tmp)
        rules = root / "htdocs" / "trialkg" / ".htaccess"
        rules.parent.mkdir(parents=True)
        rules.write_text(htaccess(server.url + "/"), encoding="utf-8")
        _readable(root, rules.parent.parent, rules.parent, rules)
        port = free_port()
        user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
        conf = root / "httpd.conf"
        conf.write_text(CONF.format(root=root, port=port, modules=MODULES, user=user), encoding="utf-8")
        command = [APACHE, "-X", "-f", str(conf)]  # -X: one process in the foreground, stopped by its pid
        if setpriv:  # it gets SIGTERM if pytest dies, even by SIGKILL
            command = [setpriv, "--pdeathsig", "TERM", "--", *command]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(process, url, root / "error.log")
            yield url
        finally:
            stop(process)


def _wait_until_answering(process: subprocess.Popen[str], url: str, log: Path) -> None:
    why = wait_until_answering(
        process, lambda: httpx.get(url + "/trialkg/", timeout=2).status_code > 0, STARTUP_SECONDS
    )
    if why is not None:
        output = process.stdout.read() if process.stdout and process.poll() is not None else ""
        errors = log.read_text() if log.exists() else ""
        raise RuntimeError(f"apache2 {why}:\n{output}{errors}")


def _mentions(body: bytes, fmt: ox.RdfFormat, base: str, iri: str) -> bool:
    data = gzip.decompress(body) if fmt == ox.RdfFormat.N_QUADS else body
    node = ox.NamedNode(iri)
    return any(
        node in (q.subject, q.predicate, q.object, getattr(q, "graph_name", None))
        for q in ox.parse(data, format=fmt, base_iri=base)
    )


@pytest.mark.parametrize("accept", [HTML, TURTLE])
def test_every_kind_of_iri_is_sent_where_serve_answers(
    apache: str, server: Server, kinds: dict[str, str], accept: str
) -> None:
    failures = []
    with httpx.Client(timeout=30, headers={"Accept": accept}) as http:
        for name, iri in sorted(kinds.items()):
            path = iri[len(DEFAULT_BASE) :].split("#")[0]
            redirect = http.get(f"{apache}/trialkg/{path}")
            location = redirect.headers.get("location", "")
            if redirect.status_code != 303 or not location.startswith(server.url + "/"):
                failures.append(f"{name} {iri}: Apache answered {redirect.status_code} to {location or '-'}")
                continue
            answer = http.get(location)
            media = answer.headers.get("content-type", "").split(";")[0]
            wanted = [HTML] if accept == HTML else list(ANSWERS)
            if answer.status_code != 200 or media not in wanted:
                failures.append(f"{name} {iri}: {location} answered {answer.status_code} {media}, not {wanted}")
            elif accept != HTML and not _mentions(answer.content, ANSWERS[media], location, iri):
                failures.append(f"{name} {iri}: {location} ({media}) does not mention it")
    assert not failures, "\n".join(failures)
