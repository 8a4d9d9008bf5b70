"""A real Virtuoso server for the loading tests: Debian's ``virtuoso-opensource-7-bin`` (``virtuoso-t``), started
on free loopback ports with a database directory of its own, and stopped by its pid.

Its ``virtuoso.ini`` sets only what a server of its own needs (files, ports, ``DirsAllowed``): everything else
is Virtuoso's default, as on a fresh database, with the user ``dba`` (password ``dba``) who may update. Not
the limits of Debian's packaged ``virtuoso.ini`` (10,000 rows per answer, which would also cut what the
tests read back; see the README). A fresh database takes 5-30 s to create. The ports are found by binding
port 0 and letting it go; if the server dies at startup (a port taken meanwhile) it is started again on
others. ``setpriv --pdeathsig`` makes sure none outlives a test run, even one killed by SIGKILL.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.fixtures import stop, wait_until_answering
from tests.load.conftest import free_port

STARTUP_SECONDS = 180
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator, who may write through SPARQL

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}

"""


def virtuoso_command() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    """One ``virtuoso-t`` process with its own database directory."""

    def __init__(self, directory: Path) -> None:
        binary = virtuoso_command()
        if binary is None:
            pytest.skip(
                "Virtuoso is not installed (virtuoso-t, Debian's virtuoso-opensource: `make test` installs it "
                "when run as root)"
            )
        self.directory = directory
        setpriv = shutil.which("setpriv")
        for _ in range(5):  # another process may take a free port before the server binds it
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            http_port = free_port()
            self.url = f"http://127.0.0.1:{http_port}"
            ini = directory / "virtuoso.ini"
            ini.write_text(INI.format(dir=directory, sql_port=free_port(), http_port=http_port))
            command = [binary, "+foreground", "+configfile", str(ini)]
            if setpriv:
                command = [setpriv, "--pdeathsig", "TERM", "--", *command]
            self.log = directory / "output.log"
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(command, cwd=directory, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_until_answering():
                return
        raise RuntimeError(f"virtuoso-t did not start; its output:\n{self.log.read_text(errors='replace')}")

    def _wait_until_answering(self) -> bool:
        """Whether it answers; not when it exited (e.g. a port was taken meanwhile: try others) or timed out."""
        ask = lambda: httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200  # noqa: E731
        if wait_until_answering(self.process, ask, STARTUP_SECONDS, pause=0.1, longest=1.0) is None:
            return True
        self.stop()
        return False

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        stop(self.process)

    # helpers for the tests

    def select(self, text: str) -> list[dict[str, str]]:
        """Rows of a query on the whole store (no dataset given: Virtuoso's union of all graphs)."""
        response = httpx.post(
            self.url + "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
        )
        response.raise_for_status()
        return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]

    def graphs(self) -> dict[str, int]:
        """Every graph in the store, with its number of triples."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}

    def drop(self, graphs: list[str]) -> None:
        """Drop named graphs, through the authenticated update service."""
        if graphs:
            response = httpx.post(
                self.url + "/sparql-auth",
                content=" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs).encode(),
                headers={"Content-Type": "application/sparql-update"},
                auth=httpx.DigestAuth(USER, PASSWORD),
                timeout=120,
            )
            response.raise_for_status()
