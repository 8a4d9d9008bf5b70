"""Apache Jena's SHACL engine (Debian: ``apt-get install libapache-jena-java default-jre-headless``), run
from its jars: the package installs no ``shacl`` command, so we call the class ``shacl.shacl`` with the
jars on the class path.

Debian's jena-core 4.5.0 moved the bundled Xerces classes to the package ``xerces`` but left their message
files under ``org/apache/jena/ext/xerces``; without them every XSD datatype fails to initialise
("internal error"). :func:`classpath` copies those files to where the classes look for them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from kg.validation.results import Report

JARS = Path("/usr/share/java")
#: Jena's jars and those of its Debian dependencies (unversioned names, as Debian links them).
DEPENDENCIES = (
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "titanium-json-ld",
    "jcl-over-slf4j",
)
MAIN = "shacl.shacl"


def missing() -> str | None:
    """Why Jena cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "no java (Debian: default-jre-headless)"
    if not (JARS / "jena-shacl.jar").is_file():
        return "Apache Jena is not installed (Debian: libapache-jena-java)"
    absent = [name for name in DEPENDENCIES if not (JARS / f"{name}.jar").is_file()]
    return f"jars missing from {JARS}: {', '.join(absent)}" if absent else None


def classpath(workdir: Path) -> str:
    """The class path: Jena's jars, their dependencies, and the Xerces message files put right."""
    fix = workdir / "xerces-messages"
    if not fix.exists():
        with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith("/"):
                    target = fix / "xerces" / name[len("org/apache/jena/ext/xerces/") :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jena = sorted(p for p in JARS.glob("jena-*.jar") if not re.search(r"-\d[\d.]*\.jar$", p.name))
    return ":".join([str(fix), *map(str, jena), *(str(JARS / f"{n}.jar") for n in DEPENDENCIES)])


def validate(shapes: Path, data: Path, workdir: Path, quick_start: bool = True) -> rdflib.Graph:
    """Jena's validation report of ``data`` (any RDF syntax Jena reads) against ``shapes``.
    ``quick_start`` tunes the JVM for short runs (small files); turn it off for big ones."""
    tuning = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"] if quick_start else []
    command = ["java", "-Xmx2g", *tuning, "-cp", classpath(workdir), MAIN, "validate"]
    command += ["--shapes", str(shapes), "--data", str(data)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or "ValidationReport" not in done.stdout:
        raise RuntimeError(f"Jena failed ({done.returncode}): {done.stderr[-2000:]}")
    return rdflib.Graph().parse(data=done.stdout, format="turtle")


def counts_of_jena(report: rdflib.Graph) -> Counter[tuple[str, str, str]]:
    """(focus node, severity, source shape) -> number of results, from a SHACL report graph."""
    out: Counter[tuple[str, str, str]] = Counter()
    for node in report.objects(None, SH.result):
        focus, severity, shape = (report.value(node, p) for p in (SH.focusNode, SH.resultSeverity, SH.sourceShape))
        out[(focus.n3(), str(severity).rsplit("#", 1)[-1], shape.n3())] += 1  # type: ignore[union-attr]
    return out


def counts_of(report: Report) -> Counter[tuple[str, str, str]]:
    return Counter((r.focus, r.severity, r.shape) for r in report)


def conforms(counts: Counter[tuple[str, str, str]]) -> bool:
    """The verdict as trialkg gives it: no Violation (warnings allowed)."""
    return not any(severity == "Violation" for _, severity, _ in counts)
