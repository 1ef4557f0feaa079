"""A coverage-guided fuzz target (atheris) for the registry reader and the command line.

Each input is a registry: its first byte chooses how the rest is used (see :func:`registry`),
and the reader (``open_registry``) and the command line (``careprotect validate`` and
``careprotect audit --format json``, run in this process) read it. A broken promise raises
:class:`BrokenPromiseError` (or lets the exception that broke it escape), which atheris reports
as a crash with the input that caused it. The promises (issue 16):

* every record is either accepted or rejected, and the counts say so: read = accepted +
  rejected, in all and by kind, and a JSON Lines registry has as many records read as it has
  lines that are not blank;
* no exception escapes the reader but :class:`~careprotect.errors.RegistryReadError`, and no
  traceback reaches the command line's user: its exit status is 0, 1, 2 or 3;
* no run of 15 or more digits in the input (a citizen ID number, say) appears unmasked in
  what the command line writes.

See fuzz/README.md for how to run it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["careprotect"]):
    from careprotect.cli import main
    from careprotect.errors import RegistryReadError
    from careprotect.io import open_registry

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "tests" / "data" / "small-registry.jsonl"
# The sample's reference records: the mutated child lines follow them.
REFERENCE = b"".join(
    line for line in SAMPLE.read_bytes().splitlines(keepends=True) if b'"child"' not in line
)
SUFFIXES = (".jsonl", ".jsonl", ".json", ".txt")
STATUSES = {0, 1, 2, 3}
SHORT_LINES = "512"  # bytes: a line limit that inputs can reach
DIGITS = re.compile(rb"[0-9]{15,}")
COUNTS = re.compile(r"Records: (\d+) read, (\d+) accepted, (\d+) rejected")
WORK = Path(tempfile.mkdtemp(prefix="careprotect-fuzz-"))


class BrokenPromiseError(AssertionError):
    """A promise of the reader or the command line was broken."""


def registry(data: bytes) -> tuple[Path, bytes]:
    """The registry file an input stands for. The first byte's two lowest bits choose the
    layout: 0, the sample's reference records followed by the rest as child lines (JSON
    Lines); 1, the rest as JSON Lines; 2, as a JSON document; 3, under a name that leaves
    the layout to be sniffed. Its bit 2 sets a short line limit."""
    head, body = (data[0], data[1:]) if data else (0, b"")
    mode = head & 3
    content = REFERENCE + body if mode == 0 else body
    path = WORK / f"registry{SUFFIXES[mode]}"
    path.write_bytes(content)
    if head & 4:
        os.environ["CAREPROTECT_MAX_LINE_BYTES"] = SHORT_LINES
    else:
        os.environ.pop("CAREPROTECT_MAX_LINE_BYTES", None)
    return path, content


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BrokenPromiseError(message)


def records_in(content: bytes) -> int:
    """The lines of a JSON Lines registry that hold a record: not blank."""
    lines = content.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return sum(1 for line in lines if line and not line.isspace())


def read(path: Path, content: bytes) -> tuple[int, int, int] | None:
    """Read the registry with the library; its counts, or None when it cannot be read."""
    try:
        with open_registry(path) as stream:
            for _ in stream.children():
                pass
            counts = stream.counts
            lines = stream.lines
    except RegistryReadError:
        return None
    for kind, figures in counts.by_kind.items():
        check(
            figures.read == figures.accepted + figures.rejected,
            f"{kind}: read {figures.read} != accepted {figures.accepted} + "
            f"rejected {figures.rejected}",
        )
    total = (counts.read, counts.accepted, counts.rejected)
    check(total[0] == total[1] + total[2], f"counts do not add up: {total}")
    if lines:
        expected = records_in(content)
        check(counts.read == expected, f"read {counts.read} records of {expected} lines")
    return total


def run(*argv: str) -> tuple[int, str, str]:
    """The command line, run in this process: exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def check_output(argv: tuple[str, ...], status: int, out: str, err: str, ids: set[str]) -> None:
    where = " ".join(argv[:1])
    check(status in STATUSES, f"{where}: exit status {status}")
    check("Traceback" not in err, f"{where}: a traceback on stderr:\n{err}")
    for number in ids:
        check(number not in out and number not in err, f"{where}: {number} shown unmasked")


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris's name)
    path, content = registry(data)
    ids = {m.decode() for m in DIGITS.findall(content)}
    counts = read(path, content)

    argv: tuple[str, ...] = ("validate", str(path), "--lang", "en")
    status, out, err = run(*argv)
    check_output(argv, status, out, err, ids)
    if counts is None:
        check(status == 2, f"validate: an unreadable registry exits {status}, not 2")
    else:
        shown = COUNTS.search(out)
        check(shown is not None, f"validate: no counts in its output:\n{out}")
        assert shown is not None
        figures = tuple(int(g) for g in shown.groups())
        check(figures == counts, f"validate: counts {figures}, the reader's {counts}")
        check(status == (1 if counts[2] else 0), f"validate: exit {status} with {counts}")

    argv = ("audit", str(path), "--as-of", "2020-06-30", "--format", "json", "--jobs", "1")
    status, out, err = run(*argv)
    check_output(argv, status, out, err, ids)
    if counts is None:
        check(status == 2, f"audit: an unreadable registry exits {status}, not 2")


def main_() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
