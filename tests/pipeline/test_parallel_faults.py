"""A parallel audit under bad input and failing processes (issue 16).

``--jobs N`` gives byte for byte the report of ``--jobs 1`` for every input, its rejected
records numbered from the start of the file. A worker process that dies or stops ends the
command with exit status 3, one ``careprotect:`` line on stderr, no report and no partial file;
SIGTERM and SIGINT to the command end its workers and remove its partial output. No worker
outlives the command. These tests use only the command line (run as a subprocess) and the
public API, and the two documented environment variables: ``CAREPROTECT_WORKER_TIMEOUT`` (how
long a worker may make no progress) and ``CAREPROTECT_SPAN_BYTES`` (the bytes of lines a worker
is given at a time, made small so that a small registry makes many spans).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import EvaluationError, InvalidValueError, open_registry, pipeline
from careprotect.engine import Engine
from careprotect.report import JsonAuditWriter, run_audit
from careprotect.testing.synth import write_synthetic

if not sys.platform.startswith("linux"):  # pragma: no cover - the project's machines are Linux
    pytest.skip("workers are forked, and found through /proc", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"
REGRESSIONS = ROOT / "tests" / "corpus"
FUZZ = ROOT / "fuzz" / "corpus"
AS_OF = "2024-12-31"
AS_OF_DATE = dt.date(2024, 12, 31)
OTHER_VILLAGE = "110101001001"  # a village of Beijing: outside every division of Hunan's

# -- registries with bad lines spread through them -----------------------------------------------


def _child_line(data: dict[str, Any], **changes: Any) -> bytes:
    return (json.dumps({**data, **changes}, ensure_ascii=False) + "\n").encode()


LATE_CONTACT = {"date": "2024-01-03", "worker": "W-LATE", "mode": "phone", "topics": ["study"]}


def _bad_lines(child: bytes, first_child: bytes, n: int) -> list[bytes]:
    """The ``n``-th kind of bad (or unusual) line, made from the child file line ``child``;
    ``first_child`` is the registry's first child file, which a duplicate repeats."""
    data = json.loads(child)
    tag = f"X{n}-{data['id']}"
    kinds: list[Callable[[], list[bytes]]] = [
        lambda: [b'{"record": "child", "id": \n'],  # not JSON
        # nested too deep to pickle, in a field a child file does not have
        lambda: [_child_line(data, id=tag, extra="@").replace(b'"@"', b"[" * 900 + b"]" * 900)],
        lambda: [_child_line(data, id=tag, division=OTHER_VILLAGE)],
        lambda: [first_child],  # a duplicate of a child file many spans before
        lambda: [_child_line(data, id=tag, extra=10**200)],
        lambda: [_child_line(data, id=tag, extra="@").replace(b'"@"', b"9" * 5000)],
        lambda: [_child_line(data, id=tag, name="@").replace(b'"@"', b'"\\ud800"')],
        lambda: [b"\xff\xfe not UTF-8\n", b"[1, 2]\n", b"\n", b" \t\r\n"],
        lambda: [b"\xef\xbb\xbf" + _child_line(data, id=tag)],  # a byte order mark mid-file
        lambda: [_child_line(data, id=tag).replace(b"\n", b"\r\n")],  # accepted
        lambda: [b'{"record": "parcel", "id": "P"}\n', b'{"id": "no kind"}\n'],
        lambda: [_child_line(data, id=tag, birth_date="2020-13-01")],
        lambda: [_child_line(data, id=tag, division=None)],
        lambda: [_child_line(data, id=tag, guardians="none")],
        # a worker record after the child files (rejected), then, later, a child file whose
        # contact names it: "which was rejected (record N)", N counted from the file's start
        lambda: [b'{"record": "worker", "id": "W-LATE", "name": "X"}\n'],
        lambda: [_child_line(data, id=tag, contacts=[LATE_CONTACT])],
    ]
    return kinds[n % len(kinds)]()


def _registry(path: Path, children: int, every: int) -> Path:
    """A synthetic Hunan registry of ``children`` child files with a bad line after every
    ``every``-th, and reference data after the child files."""
    synthetic = io.StringIO()
    write_synthetic(synthetic, province="43", children=children, seed=7)
    lines = synthetic.getvalue().encode().splitlines(keepends=True)
    out: list[bytes] = []
    first_child: bytes | None = None
    late_reference: bytes | None = None
    seen = 0
    for line in lines:
        out.append(line)
        if not line.startswith(b'{"record": "child"'):
            late_reference = line
            continue
        first_child = first_child or line
        seen += 1
        if seen % every == 0:
            out.extend(_bad_lines(line, first_child, seen // every))
    assert late_reference is not None
    out.append(late_reference)  # a reference record after the child files: rejected
    path.write_bytes(b"".join(out))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 000 child files (about 77 MB, so some 75 spans of the default 1 MiB) with a bad
    line among every 500."""
    return _registry(tmp_path_factory.mktemp("big") / "registry.jsonl", 20_000, 500)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 000 child files with a bad line among every 60."""
    return _registry(tmp_path_factory.mktemp("small") / "registry.jsonl", 2_000, 60)


# -- the command line as a subprocess --------------------------------------------------------------


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREPROTECT_")}
    return {**env, **settings}


def _interruptible() -> None:
    """Give the command SIGINT's default handling, as a terminal would: a suite started in
    the background by a non-interactive shell (``.ci/run &``) ignores SIGINT, and the
    command, like any program, keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _careprotect(*argv: str, **settings: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "careprotect", *argv],
        capture_output=True,
        env=_env(**settings),
        timeout=300,
        check=False,
    )


def _report(registry: Path, out: Path, fmt: str, jobs: int, **settings: str) -> bytes:
    done = _careprotect(
        "audit", str(registry), "--as-of", AS_OF, "--format", fmt, "--jobs", str(jobs),
        "--lang", "en", "-o", str(out), **settings,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr.decode()
    return out.read_bytes()


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` forked from it (their command line is its own), from
    /proc: not the processes it started otherwise (a Dask cluster's workers, which another
    test in this pytest worker may have running)."""
    found: list[int] = []
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # the task ended
            continue
        for child in children:
            try:
                if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                    found.append(child)
            except OSError:  # the child ended
                continue
    return found


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.01)


def _partial(directory: Path) -> int:
    """Bytes written so far of the report's partial file in ``directory`` (0 if none)."""
    sizes = [p.stat().st_size for p in directory.glob(".*.part") if p.exists()]
    return max(sizes, default=0)


class _Run:
    """``careprotect audit REGISTRY --jobs 2 --format json -o DIR/report.json`` running, with
    its worker processes."""

    def __init__(self, registry: Path, directory: Path, **settings: str) -> None:
        self.directory = directory
        self.process = subprocess.Popen(
            [sys.executable, "-m", "careprotect", "audit", str(registry), "--as-of", AS_OF,
             "--format", "json", "--jobs", "2", "-o", str(directory / "report.json")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=_env(**settings),
            preexec_fn=_interruptible,
        )  # fmt: skip
        self.workers: list[int] = []

    def judging_child_files(self) -> None:
        """Wait until both workers run and the report has grown past 16 MiB: the workers are
        judging child files (the findings about the reference subjects take some 11 MB), long
        before the end (about 58 MB)."""

        def ready() -> bool:
            assert self.process.poll() is None, "the audit ended before it could be disturbed"
            self.workers = _children(self.process.pid)
            return len(self.workers) == 2 and _partial(self.directory) > 16 << 20

        _wait_until(ready, "the workers to judge child files")

    def end(self, timeout: float = 60.0) -> tuple[int, list[str], float]:
        """The exit status, the lines on stderr and the seconds the command took to end."""
        started = time.monotonic()
        _, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, err.decode().splitlines(), time.monotonic() - started

    def cleanup(self) -> None:
        """Kill what is left of this run (only when a test failed)."""
        for pid in [self.process.pid, *self.workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def assert_nothing_left(self) -> None:
        assert [pid for pid in self.workers if _alive(pid)] == []
        assert sorted(p.name for p in self.directory.iterdir()) == []  # no report, no .part


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def test_a_killed_worker_ends_the_audit_with_status_3_and_one_line(
    big: Path, run_dir: Path
) -> None:
    run = _Run(big, run_dir)
    try:
        run.judging_child_files()
        os.kill(run.workers[0], signal.SIGKILL)
        status, err, took = run.end()
        assert status == 3, err
        assert len(err) == 1, err
        assert err[0].startswith("careprotect: a worker process died (killed by SIGKILL)")
        assert re.search(r"the records from line \d+ on were not judged", err[0]), err
        assert took < 30
        run.assert_nothing_left()
    finally:
        run.cleanup()


def test_a_stopped_worker_is_noticed_within_the_timeout(big: Path, run_dir: Path) -> None:
    run = _Run(big, run_dir, CAREPROTECT_WORKER_TIMEOUT="1.5")
    try:
        run.judging_child_files()
        os.kill(run.workers[1], signal.SIGSTOP)
        status, err, took = run.end()
        assert status == 3, err
        assert len(err) == 1, err
        assert err[0].startswith("careprotect: a worker process made no progress in 1.5 s")
        assert "CAREPROTECT_WORKER_TIMEOUT" in err[0]
        assert re.search(r"the records from line \d+ on were not judged", err[0]), err
        assert took < 30  # the timeout, the other worker's spans at hand, and the reaping
        run.assert_nothing_left()
    finally:
        run.cleanup()


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_the_command_ends_its_workers_and_removes_the_partial_report(
    big: Path, run_dir: Path, signum: int, status: int
) -> None:
    run = _Run(big, run_dir)
    try:
        run.judging_child_files()
        # Stop the workers first, so that the command is still waiting for their results
        # when the signal comes: on a busy machine it could otherwise finish the audit
        # between the poll above and the signal (a race seen once under load in CI).
        for worker in run.workers:
            os.kill(worker, signal.SIGSTOP)
        os.kill(run.process.pid, signum)
        code, err, took = run.end()
        assert code == status, err
        assert err, "the command says why it ended"
        assert err[-1].startswith("careprotect:"), err
        assert not any("Traceback" in line for line in err), err
        assert took < 30
        run.assert_nothing_left()
    finally:
        run.cleanup()


# -- parallel equals serial ----------------------------------------------------------------------


def test_jobs_2_writes_the_json_report_of_jobs_1_byte_for_byte(big: Path, tmp_path: Path) -> None:
    """20 000 child files, bad lines spread through some 75 spans; the rejected records are
    numbered as ``validate`` numbers them (it reads the file in one pass)."""
    serial = _report(big, tmp_path / "1.json", "json", 1)
    parallel = _report(big, tmp_path / "2.json", "json", 2)
    assert parallel == serial
    rejected = [(r["record"], r["line"]) for r in json.loads(parallel)["rejected"]]
    validated = _careprotect("validate", str(big), "--lang", "en")
    assert validated.returncode == 1, validated.stderr.decode()
    listed = re.findall(rb"record (\d+) \(line (\d+)", validated.stdout)
    assert rejected == [(int(r), int(n)) for r, n in listed]
    assert len(rejected) > 40
    # the bad lines in the last spans are numbered from the start of the file too
    assert rejected[-1][1] > 20_000


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_jobs_2_writes_each_report_of_jobs_1_byte_for_byte_in_small_spans(
    small: Path, tmp_path: Path, fmt: str
) -> None:
    serial = _report(small, tmp_path / f"1.{fmt}", fmt, 1)
    parallel = _report(small, tmp_path / f"2.{fmt}", fmt, 2, CAREPROTECT_SPAN_BYTES="65536")
    assert parallel == serial
    assert len(serial) > 50_000


# -- the same through the library ----------------------------------------------------------------


def _audit(
    engine: Engine, path: Path, jobs: int, max_line_bytes: int | None = None
) -> dict[str, Any]:
    """Everything an audit tells: its JSON report, and through a second audit its findings,
    summary, rejections (numbers, text and record as read) and counts."""
    report = io.StringIO()
    with open_registry(path, max_line_bytes=max_line_bytes) as stream:
        run_audit(
            pipeline.audit(engine, stream, as_of=AS_OF_DATE, jobs=jobs),
            stream,
            JsonAuditWriter(report),
        )
    with open_registry(path, max_line_bytes=max_line_bytes) as stream:
        run = pipeline.audit(engine, stream, as_of=AS_OF_DATE, jobs=jobs)
        findings = [finding.as_dict() for finding in run]
        return {
            "report": report.getvalue(),
            "findings": findings,
            "summary": (dict(run.summary.subjects), run.summary.by_rule),
            "rejections": [(r.record, r.line, str(r), r.raw) for r in stream.rejections],
            "counts": stream.counts,
        }


def _assert_same(engine: Engine, path: Path, max_line_bytes: int | None = None) -> dict[str, Any]:
    serial = _audit(engine, path, 1, max_line_bytes)
    parallel = _audit(engine, path, 2, max_line_bytes)
    for key, value in serial.items():
        assert parallel[key] == value, key
    return serial


def _sample() -> tuple[list[bytes], list[bytes]]:
    reference: list[bytes] = []
    children: list[bytes] = []
    for line in SAMPLE.read_bytes().splitlines(keepends=True):
        (children if line.startswith(b'{"record": "child"') else reference).append(line)
    return reference, children


REFERENCE, CHILDREN = _sample()

_BAD = st.builds(
    _bad_lines,
    st.sampled_from(CHILDREN),
    st.sampled_from(CHILDREN),
    st.integers(0, 100),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    children=st.lists(st.sampled_from(CHILDREN), min_size=1, max_size=60),
    bad=st.lists(st.tuples(st.integers(0, 60), _BAD), max_size=10),
    span=st.integers(1, 6000),
)
def test_any_registry_with_bad_lines_audits_the_same_in_parallel(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    children: list[bytes],
    bad: list[tuple[int, list[bytes]]],
    span: int,
) -> None:
    lines = list(children)
    for at, extra in bad:
        lines[min(at, len(lines)) : min(at, len(lines))] = extra
    path = tmp_path_factory.mktemp("mix") / "registry.jsonl"
    path.write_bytes(b"".join([*REFERENCE, *lines]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREPROTECT_SPAN_BYTES", str(span))
        result = _assert_same(engine, path)
    assert result["counts"].read == len(REFERENCE) + sum(1 for line in lines if line.strip())


def _corpus() -> list[tuple[str, bytes]]:
    """The registries of the regression corpus (tests/corpus) as they are, and the inputs
    of the fuzz corpus (fuzz/corpus) as child lines after the sample's reference records
    (fuzz/fuzz_registry.py reads them more ways; its first byte chooses which)."""
    found = [(p.name, p.read_bytes()) for p in sorted(REGRESSIONS.glob("*.jsonl"))]
    if FUZZ.is_dir():
        found.extend(
            (p.name, b"".join(REFERENCE) + p.read_bytes()[1:])
            for p in sorted(FUZZ.iterdir())
            if p.is_file()
        )
    return found


@pytest.mark.skipif(not _corpus(), reason="the corpora are empty")
def test_the_corpora_audit_the_same_in_parallel(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each registry of the corpora, in spans of a few lines, with a short line limit (as
    tests/reading/test_corpus.py uses, so that a small file holds a line too long)."""
    monkeypatch.setenv("CAREPROTECT_SPAN_BYTES", "200")
    monkeypatch.setenv("CAREPROTECT_MAX_LINE_BYTES", "8192")
    path = tmp_path / "registry.jsonl"
    for name, content in _corpus():
        path.write_bytes(content)
        try:
            _assert_same(engine, path)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_a_worker_killed_under_the_library_makes_iterating_raise_evaluation_error(
    engine: Engine, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREPROTECT_SPAN_BYTES", "65536")  # some 120 spans
    workers: list[int] = []
    try:
        with open_registry(small) as stream:
            findings = iter(pipeline.audit(engine, stream, as_of=AS_OF_DATE, jobs=2))
            next(findings)
            workers = _children(os.getpid())
            assert len(workers) == 2
            os.kill(workers[0], signal.SIGKILL)
            with pytest.raises(EvaluationError) as raised:
                for _ in findings:
                    pass
        assert str(raised.value).startswith("a worker process died (killed by SIGKILL); the ")
        assert str(raised.value).endswith(" were not judged; no report was written")
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_abandoning_an_audit_ends_its_workers_without_waiting_even_for_a_stopped_one(
    engine: Engine, small: Path
) -> None:
    workers: list[int] = []
    try:
        with open_registry(small) as stream:
            findings = iter(pipeline.audit(engine, stream, as_of=AS_OF_DATE, jobs=2))
            next(findings)
            workers = _children(os.getpid())
            assert len(workers) == 2
            os.kill(workers[1], signal.SIGSTOP)
            started = time.monotonic()
            findings.close()  # type: ignore[attr-defined]
            assert time.monotonic() - started < 10
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_timeout_that_is_not_a_number_of_seconds_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bad in ("soon", "0", "-1", "nan", "inf"):
        monkeypatch.setenv("CAREPROTECT_WORKER_TIMEOUT", bad)
        with open_registry(SAMPLE) as stream, pytest.raises(InvalidValueError) as raised:
            list(pipeline.audit(engine, stream, as_of=AS_OF_DATE, jobs=2))
        assert str(raised.value) == (
            f"'CAREPROTECT_WORKER_TIMEOUT' must be a number of seconds above 0 (got {bad!r})"
        )


def test_a_line_limit_given_to_open_registry_holds_in_the_workers_too(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """open_registry(max_line_bytes=...) rejects the same long lines at --jobs 2 as at 1."""
    monkeypatch.setenv("CAREPROTECT_SPAN_BYTES", "4096")
    reference, children = _sample()
    limit = max(len(line) for line in reference) + 1
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"".join(reference + children))
    long_lines = sum(len(line.rstrip(b"\n")) > limit for line in children)
    assert long_lines > 0
    serial = _assert_same(engine, path, limit)
    too_long = [r for r in serial["rejections"] if "must be a line of at most" in r[2]]
    assert len(too_long) == long_lines
