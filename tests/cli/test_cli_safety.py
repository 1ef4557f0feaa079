"""The command line under careless use and failing surroundings: each exit status means one
thing, errors are one ``careprotect:`` line and never a traceback (unless ``--debug``), the
registry is never overwritten, streams are read, devices refused, out-of-range dates and
periods refused before any work, and a failed write leaves no partial file (docs/cli.md)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careprotect import report
from careprotect.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-registry.jsonl"
DOCUMENTED = {0, 1, 2, 3, 70, 130, 141, 143}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _python(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "careprotect", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        **kwargs,
    )


def _one_error_line(err: str) -> str:
    """The single line on stderr, which must start with 'careprotect:'."""
    assert err.count("\n") == 1, err
    assert err.startswith("careprotect: "), err
    assert "Traceback" not in err
    return err.rstrip("\n")


# -- the registry is never overwritten ---------------------------------------------------------


@pytest.mark.parametrize("verb", [["audit"], ["entitlements", "--period", "2024"], ["plan"]])
@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink"])
def test_output_naming_the_registry_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    verb: list[str],
    how: str,
) -> None:
    """-o naming the input (by its path, another spelling of it, or a link to it): exit 2,
    one line, and the registry is byte for byte what it was."""
    registry = tmp_path / "registry.jsonl"
    registry.write_bytes(SAMPLE.read_bytes())
    target = registry
    if how == "relative":
        monkeypatch.chdir(tmp_path)
        target = Path("sub/../registry.jsonl")
        (tmp_path / "sub").mkdir()
    elif how == "symlink":
        target = tmp_path / "link.jsonl"
        target.symlink_to(registry)
    elif how == "hardlink":
        target = tmp_path / "hard.jsonl"
        target.hardlink_to(registry)
    extra = ["--month", "2024-12"] if verb == ["plan"] else []
    status, out, err = run(capsys, verb[0], str(registry), *verb[1:], *extra, "-o", str(target))
    assert (status, out) == (2, "")
    line = _one_error_line(err)
    assert "names the registry being read" in line
    assert registry.read_bytes() == SAMPLE.read_bytes()


# -- what can be read --------------------------------------------------------------------------


def test_a_directory_without_reference_data_or_a_device_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A directory that is not a registry, or a character device (which would never end), is
    refused with one line."""
    status, out, err = run(capsys, "validate", str(tmp_path))
    assert (status, out) == (2, "")
    assert "reference.jsonl" in _one_error_line(err)
    status, out, err = run(capsys, "audit", "/dev/zero", "--as-of", "2024-12-31")
    assert (status, out) == (2, "")
    assert "not a regular file" in _one_error_line(err)


def test_standard_input_is_read_as_a_stream(tmp_path: Path) -> None:
    """'-' reads the registry from a pipe: the report is the one of the file, and the private
    copy is gone afterwards."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    from_file = _python("audit", str(SAMPLE), "--as-of", "2024-12-31", "--format", "json")
    from_pipe = _python(
        "audit", "-", "--as-of", "2024-12-31", "--format", "json",
        input=SAMPLE.read_text(encoding="utf-8"), env=env,
    )  # fmt: skip
    assert from_file.returncode == from_pipe.returncode == 1
    assert from_pipe.stdout == from_file.stdout
    assert from_pipe.stderr == ""
    assert list(temp.iterdir()) == []


def test_a_named_pipe_is_read_as_a_stream(tmp_path: Path) -> None:
    """A FIFO given as the registry is read once, like standard input."""
    fifo = tmp_path / "registry.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "careprotect", "validate", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with fifo.open("wb") as pipe:
        pipe.write(SAMPLE.read_bytes())
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, "")
    assert "438 read, 438 accepted, 0 rejected" in out


def test_an_unreadable_stream_names_the_registry_as_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream that is not a registry is reported under '-', not the private copy's name."""
    import io

    fake = io.TextIOWrapper(io.BytesIO(b'{"divisions": ['), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    status, out, err = run(capsys, "validate", "-")
    assert (status, out) == (2, "")
    assert _one_error_line(err).startswith("careprotect: registry file is not valid JSON: - (")


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["audit", str(SAMPLE), "--as-of", "1949-09-30"], "the date must lie between"),
        (["audit", str(SAMPLE), "--as-of", "2101-01-01"], "the date must lie between"),
        (["audit", str(SAMPLE), "--period", "1900"], "the period must lie between"),
        (["plan", str(SAMPLE), "--month", "2101-01"], "the period must lie between"),
        (["entitlements", str(SAMPLE), "--period", "1900..9998"], "the range must lie between"),
        (["entitlements", str(SAMPLE), "--period", "2000-01..2049-12"], "at most 50 years"),
        (["parameters", "--at", "0001-01-01"], "the date must lie between"),
    ],
)
def test_dates_and_periods_out_of_range_are_refused_up_front(
    capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    """Out of 1949-10-01..2100-12-31, or a range over 50 years: exit 2 before any output."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert problem in _one_error_line(err)


def test_the_limits_themselves_are_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The first and last days, and a range just under 50 years, are in range."""
    assert run(capsys, "parameters", "--at", "1949-10-01")[0] == 0
    assert run(capsys, "parameters", "--at", "2100-12-31")[0] == 0
    registry = tmp_path / "one-division.jsonl"  # no child: 49 years are quick to pass over
    registry.write_text('{"record": "division", "code": "43", "name": "湖南省"}\n')
    status, _, err = run(
        capsys, "entitlements", str(registry), "--period", "2000..2048", "--format", "csv",
        "-o", os.devnull,
    )  # fmt: skip
    assert (status, err) == (0, "")


# -- writing -----------------------------------------------------------------------------------


def test_a_full_device_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """-o /dev/full (every write fails with ENOSPC): exit 2 and one line."""
    status, out, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2024-12-31", "-o", "/dev/full")
    assert (status, out) == (2, "")
    assert _one_error_line(err) == "careprotect: cannot write /dev/full: No space left on device"


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_write_that_fails_midway_leaves_no_partial_file(tmp_path: Path, fmt: str) -> None:
    """A report that cannot be written whole (here: a file-size limit, as a full disk would)
    ends with one line, exit 2, and neither the report nor its partial file is left."""
    target = tmp_path / "audit.out"
    result = _python(
        "audit", str(SAMPLE), "--as-of", "2024-12-31", "--format", fmt, "-o", str(target),
        preexec_fn=_limit_file_size,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    line = _one_error_line(result.stderr)
    if fmt == "table":  # the table spools its findings to a temporary file first
        assert line.startswith("careprotect: cannot write the table's temporary file: ")
    else:
        assert line == f"careprotect: cannot write {target}: File too large"
    assert list(tmp_path.iterdir()) == []


def test_a_too_long_output_name_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An -o name longer than the file system allows: exit 2, one line."""
    target = Path("/tmp") / ("a" * 300)
    status, out, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2024-12-31", "-o", str(target))
    assert (status, out) == (2, "")
    assert _one_error_line(err).endswith(": File name too long")


# -- no traceback, one status each ------------------------------------------------------------


def test_an_internal_error_is_status_70_and_debug_shows_its_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (here: a report writer that raises TypeError) is status 70 with one line saying
    what to do; --debug adds the traceback before that line."""

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("an unexpected value")

    monkeypatch.setattr(report, "run_audit", broken)
    status, _, err = run(capsys, "audit", str(SAMPLE), "--as-of", "2024-12-31")
    assert status == 70
    line = _one_error_line(err)
    assert line.startswith("careprotect: internal error (TypeError: an unexpected value)")
    assert "--debug" in line
    status, _, err = run(capsys, "--debug", "audit", str(SAMPLE), "--as-of", "2024-12-31")
    assert status == 70
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == line


def test_id_numbers_on_stderr_are_masked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every line on stderr is masked, whatever put an ID number there (here: a file name)."""
    missing = tmp_path / "433122201204180021.jsonl"
    status, _, err = run(capsys, "validate", str(missing))
    assert status == 2
    assert "433122201204180021" not in err
    assert "433122********0021.jsonl" in err


_WORDS = st.sampled_from(
    [
        "audit", "validate", "entitlements", "plan", "rules", "parameters", "plugins",
        "--as-of", "--period", "--month", "--at", "--division", "--format", "--lang",
        "--jobs", "--plugins", "-o", "--reveal", "--debug", "-", str(SAMPLE), "/dev/zero",
        "/nonexistent", "2024-12-31", "2024-13", "2024", "1900..9998", "0001-01-01",
        "json", "csv", "table", "xml", "zh", "0", "2", "national", "atlantis", "433122",
        "4x", "",
    ]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(argv=st.lists(_WORDS, max_size=7))
def test_any_command_line_gives_a_documented_status_and_no_traceback(argv: list[str]) -> None:
    """Whatever the arguments: a documented status; no traceback unless --debug asks for one;
    on 2, 3 or 70 the last line on stderr starts with 'careprotect:'. (Output that would go to
    a file goes to /dev/null.)"""
    import contextlib
    import io

    argv = [word for a in argv for word in (["-o", os.devnull] if a == "-o" else [a])]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        try:
            status = main(argv)
        finally:
            sys.stdin = stdin
    assert status in DOCUMENTED
    if "--debug" not in argv:  # --debug asks for the traceback of an error (docs/cli.md)
        assert "Traceback" not in err.getvalue()
    if status in (2, 3, 70):
        assert err.getvalue().splitlines()[-1].startswith("careprotect:")
