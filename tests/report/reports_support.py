"""Running the verbs for the workbook and page reports' tests, and reading what they write."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from careprotect.cli import main
from support import SAMPLE_FILE

SAMPLE = str(SAMPLE_FILE)
VERBS: dict[str, tuple[str, ...]] = {
    "audit": ("audit", SAMPLE, "--as-of", "2024-12-31"),
    "entitlements": ("entitlements", SAMPLE, "--period", "2020-01..2020-12"),
    "plan": ("plan", SAMPLE, "--month", "2024-12"),
    "rectify": ("rectify", SAMPLE, "--as-of", "2024-12-31"),
}
"""Each verb over the sample registry, on a day or in a range that gives rows to list."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command; returns its exit status, stdout and stderr."""
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, verb: str, fmt: str, *extra: str
) -> Path:
    """Write the report of ``verb`` in ``fmt`` to a file; returns its path."""
    path = tmp_path / f"{verb}-{fmt}{''.join(extra)}.{fmt}"
    status, _, err = run(capsys, *VERBS[verb], "--format", fmt, "-o", str(path), *extra)
    assert status in (0, 1), err
    return path


def json_report(capsys: pytest.CaptureFixture[str], tmp_path: Path, verb: str) -> Any:
    return json.loads(report(capsys, tmp_path, verb, "json").read_text(encoding="utf-8"))


def later_list(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> tuple[Path, Any]:
    """The list of 2025-01-31 against that of 2024-12-31 (tasks new, open and not
    rechecked) in ``fmt``, and as JSON."""
    first = tmp_path / "december.json"
    report_path = report(capsys, tmp_path, "rectify", "json")
    report_path.rename(first)
    argv = ("rectify", SAMPLE, "--as-of", "2025-01-31", "--previous", str(first), "--lang", "en")
    path = tmp_path / f"january.{fmt}"
    status, _, err = run(capsys, *argv, "--format", fmt, "-o", str(path))
    assert status == 1, err
    later = tmp_path / "january.json"
    run(capsys, *argv, "--format", "json", "-o", str(later))
    return path, json.loads(later.read_text(encoding="utf-8"))


class Page(HTMLParser):
    """What the tests read of a page: every tag with its attributes, the text of each table
    row of the listings (by cell), and the text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._in_listing = 0
        self._cell: list[str] | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "rows" in classes:
            self._in_listing += 1
        elif tag == "tr" and self._in_listing:
            self.rows.append([])
        elif tag == "td" and self._in_listing:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_listing:
            self._in_listing -= 1
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def body_rows(self) -> list[list[str]]:
        """The listings' rows of cells (header rows, which have no cells, left out)."""
        return [row for row in self.rows if row]
