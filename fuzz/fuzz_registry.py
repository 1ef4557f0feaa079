"""A coverage-guided fuzz target (atheris) for the registry reader and the command line.

Each input is a registry: its first byte chooses how the rest is used (see :func:`registry`),
and the reader (``open_registry``) and the command line (``careprotect validate`` and
``careprotect audit --format json``, run in this process) read it. The promises are checked
by ``keeps_the_promises`` of the quick harness, tests/reading/test_fuzz.py: a broken one raises
an AssertionError (or lets the exception that broke it escape), which atheris reports as a crash
with the input that caused it. The promises (issue 16):

* every record is either accepted or rejected, and the counts say so: read = accepted +
  rejected, in all and by kind, and a JSON Lines registry has as many records read as it has
  lines that are not blank;
* no exception escapes the reader but :class:`~careprotect.errors.RegistryReadError`, and no
  traceback reaches the command line's user: its exit status is 0, 1, 2 or 3;
* no run of 15 or more digits in the input (a citizen ID number, say), and no name of a
  child, guardian or worker, appears unmasked in what the command line writes.

See fuzz/README.md for how to run it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "reading"))  # the promises are the quick harness's

with atheris.instrument_imports(include=["careprotect"]):
    from test_fuzz import keeps_the_promises

SAMPLE = HERE.parent / "tests" / "data" / "small-registry.jsonl"
# The sample's reference records: the mutated child lines follow them.
REFERENCE = b"".join(
    line for line in SAMPLE.read_bytes().splitlines(keepends=True) if b'"child"' not in line
)
SUFFIXES = (".jsonl", ".jsonl", ".json", ".txt")
SHORT_LINES = "512"  # bytes: a line limit that inputs can reach
WORK = Path(tempfile.mkdtemp(prefix="careprotect-fuzz-"))


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


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris's name)
    keeps_the_promises(*registry(data))


def main_() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
