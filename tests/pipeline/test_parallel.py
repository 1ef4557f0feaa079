"""A parallel audit (``jobs`` above one) gives exactly what a serial audit gives.

Worker processes judge the reference subjects in runs, and read, parse and judge the child
files of a JSON Lines registry in spans of lines; the main process numbers the records and
lines, rejects duplicates, counts and yields in input order. Whatever the input, the findings
(in order), the summary, the rejections (record and line numbers, kinds, ids, problems and raw
records) and the counts must be those of ``jobs=1``. Small parts
(``pipeline.parallel.BATCH``) make every input many of them, so that duplicates and bad lines
fall in other parts than the records they clash with; small runs of subjects
(``pipeline.parallel.SUBJECTS``) split the divisions, workers and service points among the
workers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprotect import (
    InvalidValueError,
    Period,
    load_registry,
    open_registry,
    pipeline,
    write_registry,
)
from careprotect.divisions import Division
from careprotect.engine import Engine
from careprotect.findings import Finding, Summary
from careprotect.io import dumps
from careprotect.pipeline import Chunk, Rendered, forked, parallel
from careprotect.pipeline.executors import Task
from careprotect.pipeline.runner import FindingsJob, Run
from support import SAMPLE_CHILDREN as CHILDREN
from support import SAMPLE_FILE as SAMPLE
from support import SAMPLE_REFERENCE as REFERENCE
from support import child_line, messy_lines

AS_OF = dt.date(2024, 12, 31)

if not forked.can_fork():  # pragma: no cover - the project's machines are Linux
    pytest.skip("a parallel audit needs a platform that forks", allow_module_level=True)


def _line(finding: Finding) -> bytes:
    """A finding as a line of JSON text (what a chunked audit joins)."""
    return dumps(finding.as_dict()).encode() + b"\n"


def _run(
    engine: Engine,
    path: Path,
    jobs: int,
    *,
    rendered: bool = False,
    chunks: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Everything an audit tells: findings (or rendered findings, or chunks), summary,
    rejections (with raw records), counts."""
    if "period" not in options:
        options["as_of"] = AS_OF
    with open_registry(path) as stream:
        run = pipeline.audit(engine, stream, jobs=jobs, **options)
        assert run._parallel() is (jobs > 1 and path.suffix == ".jsonl")
        if chunks:
            findings: list[Any] = list(run.chunks(_line))
        else:
            findings = list(run.rendered(Finding.as_dict) if rendered else run)
        return {
            "findings": findings,
            "subjects": dict(run.summary.subjects),
            "by_rule": run.summary.by_rule,
            "by_status": run.summary.by_status,
            "rejections": stream.rejections,
            "raw": [r.raw for r in stream.rejections],
            "counts": stream.counts,
        }


def _same(engine: Engine, path: Path, **options: Any) -> dict[str, Any]:
    """Audits ``path`` with one and two processes, for findings and for rendered findings,
    and checks that all four agree."""
    serial = _run(engine, path, 1, **options)
    parallel = _run(engine, path, 2, **options)
    for key, value in serial.items():
        assert parallel[key] == value, key
    rendered = _run(engine, path, 2, rendered=True, **options)
    expected = [
        Rendered(f.rule, f.outcome, f.division, f.as_dict(), f.rests_on) for f in serial["findings"]
    ]
    assert rendered["findings"] == expected
    # Each division the workers sent is a Division, equal to the finding's.
    assert all(type(r.division) is Division for r in rendered["findings"])
    for key, value in serial.items():
        if key != "findings":
            assert rendered[key] == value, key
    assert _run(engine, path, 1, rendered=True, **options)["findings"] == expected
    # In chunks: the same texts in the same order, counted the same.
    text = b"".join(map(_line, serial["findings"]))
    counts = Counter((f.rule, f.outcome, f.division, f.rests_on) for f in serial["findings"])
    for jobs in (1, 2):
        chunked = _run(engine, path, jobs, chunks=True, **options)
        assert all(type(c) is Chunk for c in chunked["findings"])
        assert b"".join(c.text for c in chunked["findings"]) == text
        total: Counter[Any] = Counter()
        for chunk in chunked["findings"]:
            assert all(n > 0 for n in chunk.counts.values())
            total.update(chunk.counts)
        assert total == counts
        for key, value in serial.items():
            if key != "findings":
                assert chunked[key] == value, key
    return serial


def _write(tmp_path: Path, lines: list[bytes], name: str = "registry.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    return path


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BATCH", 700)
    monkeypatch.setattr(parallel, "SUBJECTS", 3)


# -- example-based -------------------------------------------------------------------------------


def test_the_sample_registry_audits_the_same_in_parallel(engine: Engine) -> None:
    result = _same(engine, SAMPLE)
    # The sample is meant to break rules of every plugin: the comparison is not of nothing.
    assert result["subjects"]["child"] == len(CHILDREN)
    assert len(result["findings"]) > len(CHILDREN)
    assert result["rejections"] == []


def test_small_batches_and_a_period_audit_agree(engine: Engine, small_batches: None) -> None:
    _same(engine, SAMPLE)
    _same(engine, SAMPLE, period=Period.parse("2024-06"))


def test_revealed_findings_agree(engine: Engine, small_batches: None) -> None:
    result = _same(engine, SAMPLE, reveal=True)
    assert any(f.subject.name for f in result["findings"])


def test_bad_lines_duplicates_and_late_records_agree(
    engine: Engine, small_batches: None, tmp_path: Path
) -> None:
    lines = messy_lines()
    result = _same(engine, _write(tmp_path, lines))
    rejections = result["rejections"]
    records = result["counts"]
    assert records.read == len(lines) - 2  # the blank lines are not records
    assert records.rejected == len(rejections) == 13
    accepted = {f.subject.id for f in result["findings"]}
    assert {"NEW-4", "NEW-7", "NEW-8"} <= accepted
    assert not {"NEW-5", "NEW-6"} & accepted
    duplicates = [r for r in rejections if any("duplicate" in p.message for p in r.problems)]
    assert len(duplicates) == 4
    assert result["subjects"]["child"] == len(CHILDREN) + 5


def test_a_rejection_names_no_id_of_the_record_before(engine: Engine, tmp_path: Path) -> None:
    """A child file the strict path cannot structure, right after one it structured and
    rejected (outside every division, and a duplicate), is not taken for a duplicate: in one
    span, the worker forgets the id of the record before."""
    second, third = CHILDREN[1], CHILDREN[2]
    lines = [
        *REFERENCE,
        *CHILDREN[:3],
        child_line(second, division="110101001001"),
        child_line(third, birth_date="2020-13-01"),
    ]
    result = _same(engine, _write(tmp_path, lines))
    *_, outside, unstructured = result["rejections"]
    assert any("duplicate" in p.message for p in outside.problems)
    assert not any("duplicate" in p.message for p in unstructured.problems)


def test_every_line_is_a_batch_of_its_own(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(parallel, "BATCH", 1)
    monkeypatch.setattr(parallel, "SUBJECTS", 1)
    lines = [*REFERENCE, *CHILDREN[:20], CHILDREN[5], b"\n", b"nonsense\n", *CHILDREN[20:40]]
    _same(engine, _write(tmp_path, lines))


def test_a_last_line_without_its_line_end(
    engine: Engine, tmp_path: Path, small_batches: None
) -> None:
    lines = [*REFERENCE, *CHILDREN[:10], CHILDREN[3], CHILDREN[10].rstrip(b"\n")]
    result = _same(engine, _write(tmp_path, lines))
    assert result["subjects"]["child"] == 11  # the last line is read, the duplicate rejected
    assert [r.line for r in result["rejections"]] == [len(REFERENCE) + 11]


def test_reference_data_only(engine: Engine, tmp_path: Path, small_batches: None) -> None:
    result = _same(engine, _write(tmp_path, REFERENCE))
    assert result["subjects"].get("child", 0) == 0
    assert result["subjects"]["division"] > 0


def test_a_document_registry_is_audited_serially(engine: Engine, tmp_path: Path) -> None:
    registry = load_registry(SAMPLE).registry
    document = tmp_path / "registry.json"
    write_registry(document, registry.reference, registry.children, layout="document")
    _same(engine, document)


def test_jobs_must_be_a_whole_number_of_at_least_one(engine: Engine) -> None:
    with open_registry(SAMPLE) as stream:
        for jobs in (0, -1, True, 1.5, "2"):
            with pytest.raises(InvalidValueError, match="'jobs'"):
                pipeline.audit(engine, stream, as_of=AS_OF, jobs=jobs)  # type: ignore[arg-type]


def test_abandoning_a_parallel_audit_stops_its_workers(engine: Engine, small_batches: None) -> None:
    with open_registry(SAMPLE) as stream:
        run = iter(pipeline.audit(engine, stream, as_of=AS_OF, jobs=2))
        first: Finding = next(run)
        assert first.rule
        run.close()  # type: ignore[attr-defined]
        assert stream._file is None  # the workers were shut down and the registry closed
    assert forked.running() == 0


# -- property-based ------------------------------------------------------------------------------

_EXTRA = st.one_of(
    st.sampled_from(CHILDREN),
    st.sampled_from(CHILDREN).map(lambda line: child_line(line, division="110101001001")),
    st.sampled_from([b"\n", b"{\n", b"[]\n", b'{"record": "child"}\n', REFERENCE[-1]]),
    # a byte order mark is taken off the file's first line only: elsewhere it is not JSON
    st.sampled_from(CHILDREN).map(lambda line: b"\xef\xbb\xbf" + line),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    children=st.lists(st.sampled_from(CHILDREN), max_size=40),
    extra=st.lists(st.tuples(st.integers(0, 60), _EXTRA), max_size=8),
    batch=st.integers(1, 4000),
    subjects=st.integers(1, 50),
)
def test_any_mix_of_lines_agrees(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    children: list[bytes],
    extra: list[tuple[int, bytes]],
    batch: int,
    subjects: int,
) -> None:
    lines = list(children)
    for at, line in extra:
        lines.insert(min(at, len(lines)), line)
    path = _write(tmp_path_factory.mktemp("mix"), [*REFERENCE, *lines])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "BATCH", batch)
        patch.setattr(parallel, "SUBJECTS", subjects)
        result = _same(engine, path)
    assert result["counts"].read == len(REFERENCE) + sum(1 for line in lines if line.strip())


class _InProcess:
    """The smallest executor: each task run here, in order (what a new executor replaces
    with workers elsewhere: docs/pipeline.md)."""

    def __init__(self, part_bytes: int | None = None) -> None:
        self.tasks = self.parts = 0
        self.part_bytes = part_bytes

    def map(self, state: Any, tasks: Iterator[Task]) -> Iterator[Any]:
        for function, args in tasks:
            self.tasks += 1
            self.parts += function is parallel.judge_part
            yield function(state, *args)


def test_any_executor_that_keeps_the_order_audits_the_same(
    engine: Engine, small_batches: None, tmp_path: Path
) -> None:
    """The parallel audit runs on any executor (here one that runs its tasks in this
    process): the findings, summary, rejections and counts are those of a serial audit."""
    path = _write(tmp_path, [*REFERENCE, *CHILDREN, CHILDREN[0], b"not json\n"])
    serial = _run(engine, path, 1)
    executor = _InProcess()
    with open_registry(path) as stream:
        run = Run(engine, FindingsJob(as_of=AS_OF, period=None, reveal=False), stream.reference)
        summary = Summary()
        findings = list(parallel.PartsRun(stream, run, executor, summary))
        assert executor.tasks >= len(CHILDREN)  # a line is longer than a part
        assert findings == serial["findings"]
        assert dict(summary.subjects) == serial["subjects"]
        assert summary.by_rule == serial["by_rule"]
        assert stream.rejections == serial["rejections"]
        assert stream.counts == serial["counts"]


@pytest.mark.parametrize("environment", [None, "100000"])
def test_an_executor_chooses_its_part_size_unless_the_environment_does(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: str | None
) -> None:
    """A Dask task costs more to send than a forked one: an executor says the part size it
    wants, and CAREPROTECT_SPAN_BYTES, when set, still wins."""
    if environment is None:
        monkeypatch.delenv(parallel.SPAN_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(parallel.SPAN_VARIABLE, environment)
    path = _write(tmp_path, [*REFERENCE, *CHILDREN])
    executor = _InProcess(part_bytes=4096)
    with open_registry(path) as stream:
        run = Run(engine, FindingsJob(as_of=AS_OF, period=None, reveal=False), stream.reference)
        list(parallel.PartsRun(stream, run, executor, Summary()))
    counts = {}
    for size in (4096, 100_000):
        with open_registry(path) as stream:
            counts[size] = len(list(stream.split(size).parts))
    assert counts[4096] > counts[100_000] > 1
    assert executor.parts == counts[int(environment or 4096)]
