"""Synthetic registries at registry shape: corpus JSON records replicated with fresh NCT ids into a zip
laid out like the registry's bulk download (``35/NCT90000035.json``: one study a member, 100 folders).

    .venv/bin/python bench/synthetic.py --studies 10000 --out build/synthetic-10k.zip
"""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

from common import corpus_dir


def fresh_id(index: int) -> str:
    """The ``index``-th synthetic NCT id: ``NCT9`` and seven digits, a range the registry has not used."""
    return f"NCT9{index:07d}"


def bulk_zip(studies: int, out: Path, corpus: str | None = None, *, first: int = 0) -> Path:
    """A bulk-download-shaped zip of ``studies`` studies made from the JSON corpus (written once, kept)."""
    if out.is_file():
        return out
    sources = sorted((corpus_dir(corpus) / "ctgov-json").glob("*.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sources]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index in range(first, first + studies):
            record = records[index % len(records)]
            nct = fresh_id(index)
            record["protocolSection"]["identificationModule"]["nctId"] = nct
            archive.writestr(f"{nct[-2:]}/{nct}.json", json.dumps(record, ensure_ascii=False))
    partial.rename(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", help="the corpus folder (default: ../shared/corpus)")
    args = parser.parse_args()
    print(bulk_zip(args.studies, args.out, args.corpus))


if __name__ == "__main__":
    main()
