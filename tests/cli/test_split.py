"""``careprotect audit ... -o DIR --split``: one part of findings per county, and a manifest
with what the one-file report ends with."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from careprotect.cli import main
from careprotect.pipeline.parallel import SPAN_VARIABLE
from support import SAMPLE_FILE

AS_OF = "2024-12-31"


def _audit(registry: Path, out: Path, *options: str) -> int:
    return main(["audit", str(registry), "--as-of", AS_OF, "-o", str(out), *options])


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_the_parts_hold_every_finding_once_and_the_manifest_the_rest(
    messy: Path, tmp_path: Path
) -> None:
    assert _audit(messy, tmp_path / "one.json", "--format", "json", "--jobs", "1") == 1
    one = json.loads((tmp_path / "one.json").read_text())
    assert _audit(messy, tmp_path / "parts", "--format", "json", "--split", "--jobs", "1") == 1
    manifest = json.loads((tmp_path / "parts" / "manifest.json").read_text())
    for key in ("as_of", "plugins", "summary", "rejected", "records"):
        assert manifest[key] == one[key], key
    assert len(manifest["rejected"]) == 13
    seen: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for part in manifest["parts"]:
        document = json.loads((tmp_path / "parts" / part["file"]).read_text())
        assert document["part"] == part["part"]
        assert document["as_of"] == AS_OF
        assert all(f["division"].startswith(part["part"]) for f in document["findings"])
        assert len(document["findings"]) == part["findings"] == document["summary"]["findings"]
        assert document["summary"]["by_outcome"] == part["by_outcome"]
        totals.update(part["by_outcome"])
        seen.extend(document["findings"])
    assert sorted(map(json.dumps, seen)) == sorted(map(json.dumps, one["findings"]))
    assert totals == Counter(one["summary"]["by_outcome"])
    # each part keeps the registry's order
    order = {json.dumps(f): i for i, f in enumerate(one["findings"])}
    for part in manifest["parts"]:
        findings = json.loads((tmp_path / "parts" / part["file"]).read_text())["findings"]
        places = [order[json.dumps(f)] for f in findings]
        assert places == sorted(places)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == sorted(
        ["manifest.json", *(p["file"] for p in manifest["parts"])]
    )


def test_csv_parts_have_the_one_file_reports_rows(messy: Path, tmp_path: Path) -> None:
    _audit(messy, tmp_path / "one.csv", "--format", "csv", "--jobs", "1")
    _audit(messy, tmp_path / "parts", "--format", "csv", "--split", "--jobs", "1")
    header, *rows = (tmp_path / "one.csv").read_text().splitlines(keepends=True)
    got: list[str] = []
    for path in sorted((tmp_path / "parts").glob("audit-*.csv")):
        part_header, *part_rows = path.read_text().splitlines(keepends=True)
        assert part_header == header
        got.extend(part_rows)
    assert sorted(got) == sorted(rows)
    records = list(csv.DictReader(io.StringIO((tmp_path / "one.csv").read_text())))
    assert len(records) == len(rows)


def test_parts_are_the_same_with_worker_processes(
    messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SPAN_VARIABLE, "2000")
    for fmt in ("json", "csv"):
        _audit(messy, tmp_path / f"one-{fmt}", "--format", fmt, "--split", "--jobs", "1")
        _audit(messy, tmp_path / f"two-{fmt}", "--format", fmt, "--split", "--jobs", "2")
        assert _files(tmp_path / f"two-{fmt}") == _files(tmp_path / f"one-{fmt}")


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--split"], "--split writes json or csv parts"),  # the table
        (["--split", "--format", "json", "-o", "{full}"], "new or empty directory"),
        (["--format", "json", "-o", "{full}"], "is a directory; give a file"),
    ],
)
def test_split_needs_a_new_directory_and_a_data_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str], says: str
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("not ours")
    argv = ["audit", str(SAMPLE_FILE), "--as-of", AS_OF, "-o", str(tmp_path / "x")]
    status = main([*argv, *(o.format(full=full) for o in options)])
    assert status == 2
    assert says in capsys.readouterr().err
    assert (full / "keep.txt").read_text() == "not ours"
    assert not (tmp_path / "x").exists()
