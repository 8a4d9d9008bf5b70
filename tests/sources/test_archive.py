"""Zip inputs: read once, members in order, hostile members refused by name, bombs refused while streaming."""

from __future__ import annotations

import io
import json
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from kg.model import Study
from kg.sources import Limits, Rejected, entries, read
from tests.fixtures import api_study


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _study(nct: str) -> bytes:
    return json.dumps(api_study(nct)).encode()


def test_members_come_out_sorted_each_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [f"{n % 100:02d}/NCT000000{n:02d}.json" for n in (35, 7, 99, 12)]
    path = _zip(tmp_path / "bulk.zip", [(name, _study(name[3:14])) for name in names])
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kwargs: object):  # noqa: ANN202
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    records = list(read([str(path)]))
    assert [r.nct_id for r in records if isinstance(r, Study)] == [n[3:14] for n in sorted(names)]
    assert sorted(opened) == sorted(names)  # each member inflated once: detection and parsing share the bytes


def test_a_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("NCT00000001.json")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip(tmp_path / "links.zip", [(link, b"/etc/passwd"), ("NCT00000002.json", _study("NCT00000002"))])
    records = list(read([str(path)]))
    assert isinstance(records[0], Rejected) and "symbolic link" in records[0].reason
    assert isinstance(records[1], Study)


def test_a_member_that_inflates_past_its_header_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    data = bytearray(_zip(tmp_path / "x.zip", [("NCT00000001.json", b" " * (20 << 20))]).read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # the headers lie: 1,000 bytes
    struct.pack_into("<I", data, central + 24, 1000)
    (tmp_path / "lying.zip").write_bytes(bytes(data))
    (record,) = read([str(tmp_path / "lying.zip")])
    assert isinstance(record, Rejected) and "corrupt zip member" in record.reason


def test_a_member_over_the_record_limit_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    path = _zip(tmp_path / "big.zip", [("NCT00000001.json", _study("NCT00000001") + b" " * 5000)])
    (record,) = read([str(path)], limits=Limits(record_bytes=4000))
    assert isinstance(record, Rejected) and "record limit of 4000" in record.reason


def test_a_truncated_zip_gives_its_readable_members_then_one_rejected_record(tmp_path: Path) -> None:
    names = [f"NCT000000{n:02d}" for n in range(20)]
    whole = _zip(tmp_path / "whole.zip", [(f"{n[-2:]}/{n}.json", _study(n)) for n in names]).read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole[: len(whole) * 6 // 10])
    *studies, last = read([str(tmp_path / "cut.zip")])
    assert 5 < len(studies) < 20 and all(isinstance(s, Study) for s in studies)
    assert [s.nct_id for s in studies] == names[: len(studies)]  # in the order they stand in the file
    assert isinstance(last, Rejected) and last.location.endswith("cut.zip") and "truncated" in last.reason


def test_a_zip_cut_inside_its_first_member_is_one_rejected_record(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", [("NCT00000001.json", _study("NCT00000001"))]).read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole[:60])
    (record,) = read([str(tmp_path / "cut.zip")])
    assert isinstance(record, Rejected) and "truncated" in record.reason


def test_a_directory_entry_in_memory_is_read_like_a_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sub/", b"")
        archive.writestr("sub/NCT00000003.json", _study("NCT00000003"))
    (tmp_path / "dirs.zip").write_bytes(buffer.getvalue())
    (entry,) = entries(str(tmp_path / "dirs.zip"))
    assert not isinstance(entry, Rejected) and entry.size == len(_study("NCT00000003"))


def test_a_dangling_link_in_a_folder_is_one_rejected_record(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_bytes(_study("NCT00000001"))
    (tmp_path / "in" / "b.json").symlink_to(tmp_path / "nowhere.json")
    first, second = read([str(tmp_path / "in")])
    assert isinstance(first, Study)
    assert isinstance(second, Rejected) and "link to nothing" in second.reason
