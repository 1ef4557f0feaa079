"""The quick fuzz harness: mutated registries keep the promises of issue 16.

Hypothesis mutates the small sample registry (bytes flipped, lines inserted and deleted,
values replaced by values of the wrong type, nested deep, integers too long, lines too long,
lone surrogates, byte order marks, CRLF line ends, NUL bytes, invalid UTF-8) and the reader
and the command line (in this process) read the result. The promises:

* every record is either accepted or rejected, and the counts say so: read = accepted +
  rejected, in all and by kind, with a record read for every line that is not blank;
* no exception escapes the reader but ``RegistryReadError``, and no traceback reaches the
  command line's user: the exit status is a documented one;
* no run of 15 or more digits (an ID number) and no name in the input is shown unmasked;
* ``--jobs 2`` writes byte for byte the report of ``--jobs 1``.

The long runs are ``fuzz/fuzz_registry.py`` (atheris); every input that broke a promise
stays in ``tests/corpus``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import RegistryReadError, open_registry
from careprotect.cli import main

SAMPLE = Path(__file__).parents[1] / "data" / "small-registry.jsonl"
LINES = SAMPLE.read_bytes().splitlines()
LINE_LIMIT = 16_384
"""CAREPROTECT_MAX_LINE_BYTES while fuzzing: a line too long is cheap to make."""
COUNTS = re.compile(r"Records: (\d+) read, (\d+) accepted, (\d+) rejected")
ID_NUMBER = re.compile(rb"[0-9]{15,}")
WRONG_VALUES: list[Any] = [None, True, 0, -1, 1.5, "", " ", "x", [], {}, [None], {"a": 1}]
WRONG_VALUES += ["433122201204180224", 433122201204180224, "2020-02-30", "田小雨"]
DEPTHS = [63, 64, 65, 300, 1200, 5000]
DIGITS = [4299, 4300, 4301, 6000]


# -- mutations -------------------------------------------------------------------------------


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place inside a record: its objects' keys and its lists' indexes."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _places(item, (*path, index))


def _marked(line: bytes, draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Any, ...]] | None:
    """A line's record and a place in it, or None when the line is not a JSON object."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    places = [p for p in _places(record) if p != ("record",)]
    return (record, draw(st.sampled_from(places))) if places else None


_MARK = "\x00mark\x00"


def _replace(record: dict[str, Any], place: tuple[Any, ...], text: str) -> bytes:
    """The record as a line, with the JSON text ``text`` at ``place``."""
    target: Any = record
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = _MARK
    line = json.dumps(record, ensure_ascii=False).replace(json.dumps(_MARK), text)
    return line.encode("utf-8", "surrogatepass")  # a lone surrogate read from an escape


@st.composite
def mutated_registries(draw: st.DrawFn) -> tuple[bytes, str]:
    """A registry's bytes, mutated, and its file suffix."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(
            st.sampled_from(
                [
                    "flip",
                    "insert",
                    "delete",
                    "wrong type",
                    "deep",
                    "long integer",
                    "long line",
                    "surrogate",
                    "bom",
                    "nul",
                    "invalid utf-8",
                ]
            )
        )
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        line = lines[index] if lines else b""
        if how == "flip" and line:
            at = draw(st.integers(0, len(line) - 1))
            bit = 1 << draw(st.integers(0, 7))
            lines[index] = line[:at] + bytes([line[at] ^ bit]) + line[at + 1 :]
        elif how == "insert":
            new = draw(st.one_of(st.binary(max_size=40), st.sampled_from(LINES)))
            lines.insert(index, new)
        elif how == "delete" and lines:
            del lines[index]
        elif how in ("wrong type", "deep", "long integer", "surrogate"):
            marked = _marked(line, draw)
            if marked is None:
                continue
            if how == "wrong type":
                text = json.dumps(draw(st.sampled_from(WRONG_VALUES)), ensure_ascii=False)
            elif how == "deep":
                depth = draw(st.sampled_from(DEPTHS))
                text = "[" * depth + "]" * depth
            elif how == "long integer":
                text = "-" * draw(st.booleans()) + "9" * draw(st.sampled_from(DIGITS))
            else:
                text = '"a\\ud800"'
            lines[index] = _replace(*marked, text)
        elif how == "long line":
            lines.insert(
                index, b'{"record": "child", "id": "L", "x": "' + b"x" * LINE_LIMIT + b'"}'
            )
        elif how == "bom":
            lines[index] = b"\xef\xbb\xbf" + line
        elif how == "nul":
            lines[index] = line.replace(b'"', draw(st.sampled_from([b'"\x00', b'"\\u0000'])), 1)
        elif how == "invalid utf-8":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"]))
            lines[index] += line[at:]
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    content = end.join(lines) + draw(st.sampled_from([end, b""]))
    return content, draw(st.sampled_from([".jsonl", ".jsonl", ".txt"]))


# -- the promises ----------------------------------------------------------------------------


@contextlib.contextmanager
def registry_file(content: bytes, suffix: str) -> Iterator[Path]:
    """The registry written to a file, with the fuzzing line limit and small spans for a
    parallel audit in the environment."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"registry{suffix}"
        path.write_bytes(content)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CAREPROTECT_MAX_LINE_BYTES", str(LINE_LIMIT))
            patch.setenv("CAREPROTECT_SPAN_BYTES", "1024")  # --jobs 2 reads several spans
            yield path


def run(*argv: str) -> tuple[int, str, str]:
    """The command line, run in this process: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@functools.cache
def library_text() -> str:
    """What the library prints of itself whatever the registry: its rules, parameters and
    plugins, with their titles and citations (湖南省民政厅...)."""
    texts = []
    for verb in ("rules", "parameters", "plugins"):
        status, out, err = run(verb, "--format", "json")
        assert (status, err) == (0, ""), err
        texts.append(out)
    return json.dumps([json.loads(t) for t in texts], ensure_ascii=False)


_REFERENCES = frozenset({"id", "worker", "director", "child", "service_point", "institution"})


def _codes(value: object) -> Iterator[str]:
    """Every string under a key that holds a code (a record's id or a reference to one),
    at any depth of ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _REFERENCES and isinstance(item, str):
                yield item
            else:
                yield from _codes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _codes(item)


def hidden(content: bytes) -> set[str]:
    """What must never be shown: runs of 15 or more digits, and names of children,
    guardians and workers (two characters or more), but for a "name" that is text the
    library prints anyway (湖南省 is in its citations), a place's name in the registry, or a
    code: the id of a record or a reference to one (a worker, home or child), which the
    library shows as given (its ID-number runs masked), so a mutation that copies a name
    into an id makes that name a code."""
    found = {m.decode() for m in ID_NUMBER.findall(content)}
    names: set[str] = set()
    places: list[str] = []
    codes: list[str] = []
    for line in content.splitlines():
        try:
            record = json.loads(line, parse_int=str)  # any number of digits
        except (ValueError, RecursionError):
            continue
        if not isinstance(record, dict):
            continue
        codes.extend(_codes(record))
        if record.get("record") not in ("child", "worker"):
            if isinstance(record.get("name"), str):
                places.append(record["name"])
            continue
        given = [record.get("name")]
        guardianships = record.get("guardianships")
        if isinstance(guardianships, list):
            given += [g.get("guardian") for g in guardianships if isinstance(g, dict)]
        names.update(n for n in given if isinstance(n, str) and len(n) >= 2 and not n.isascii())
    shown_anyway = library_text() + "\n".join(places) + "\n".join(codes)
    return found | {n for n in names if n not in shown_anyway}


def records_in(content: bytes) -> int:
    lines = content.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return sum(1 for line in lines if line and not line.isspace())


def read(path: Path, content: bytes) -> tuple[int, int, int] | None:
    """The library's counts, checked; None when the registry cannot be read at all."""
    try:
        with open_registry(path) as stream:
            for _ in stream.children():
                pass
    except RegistryReadError:
        return None
    counts = stream.counts
    for figures in counts.by_kind.values():
        assert figures.read == figures.accepted + figures.rejected
    if stream.lines:
        assert counts.read == records_in(content)
    assert counts.read == counts.accepted + counts.rejected
    return counts.read, counts.accepted, counts.rejected


def check(argv: tuple[str, ...], status: int, out: str, err: str, secret: set[str]) -> None:
    assert "Traceback" not in err, err
    assert status in (0, 1, 2, 3), (argv, status, err)
    assert [s for s in secret if s in out or s in err] == []


AUDIT = ("--as-of", "2020-06-30", "--format", "json", "--lang", "en")


def keeps_the_promises(path: Path, content: bytes) -> None:
    """Read the registry ``content`` written at ``path`` with the library, then with
    ``validate`` and ``audit``, and check every promise of the module's docstring but the
    parallel one (an AssertionError names the one broken). The atheris target
    (fuzz/fuzz_registry.py) calls this too."""
    secret = hidden(content)
    counts = read(path, content)
    argv: tuple[str, ...] = ("validate", str(path), "--lang", "en")
    status, out, err = run(*argv)
    check(argv, status, out, err, secret)
    if counts is None:
        assert status == 2
    else:
        shown = COUNTS.search(out)
        assert shown is not None, out
        assert tuple(int(g) for g in shown.groups()) == counts
        assert status == (1 if counts[2] else 0)
    argv = ("audit", str(path), *AUDIT, "--jobs", "1")
    status, out, err = run(*argv)
    check(argv, status, out, err, secret)
    if counts is None:
        assert status == 2
    else:
        figures = json.loads(out)["records"]
        assert (figures["read"], figures["accepted"], figures["rejected"]) == counts


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(registry=mutated_registries())
def test_mutated_registries_keep_the_promises(registry: tuple[bytes, str]) -> None:
    """The reader and validate count every record; validate and audit exit with a
    documented status, without a traceback, showing nothing personal unmasked."""
    content, suffix = registry
    with registry_file(content, suffix) as path:
        keeps_the_promises(path, content)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(registry=mutated_registries())
def test_two_jobs_give_the_report_of_one(registry: tuple[bytes, str]) -> None:
    """A mutated JSON Lines registry's audit with --jobs 2 is byte for byte that of
    --jobs 1, with the same exit status."""
    content, _ = registry
    with registry_file(content, ".jsonl") as path:
        reports = []
        for jobs in ("1", "2"):
            report = path.with_name(f"report-{jobs}.json")
            argv = ("audit", str(path), *AUDIT, "--jobs", jobs, "-o", str(report))
            status, out, err = run(*argv)
            check(argv, status, out, err, set())
            reports.append((status, report.read_bytes() if report.exists() else None))
        assert reports[1] == reports[0]
