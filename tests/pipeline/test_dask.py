"""The Dask executor gives the report of one process, byte for byte.

Each test starts and stops its own cluster on 127.0.0.1: a ``LocalCluster`` of two worker
processes, or a ``dask scheduler`` and two ``dask worker`` processes started as commands.
Small parts (``CAREPROTECT_SPAN_BYTES``) make the registries many parts, so that bad lines,
duplicates and late reference records fall in parts of their own and across their edges.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from careprotect import Engine, Finding, Period, open_registry, pipeline
from careprotect.cli import main
from careprotect.errors import InvalidValueError
from careprotect.pipeline.on_dask import DaskExecutor, dask_client
from careprotect.pipeline.parallel import SPAN_VARIABLE
from support import SAMPLE_CHILDREN, SAMPLE_REFERENCE, child_line

AS_OF = "2024-12-31"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A cluster of two worker processes, one thread each, on this machine."""
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as made,  # type: ignore[no-untyped-call]
    ):
        yield made


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPAN_VARIABLE, "2000")


def _report(tmp_path: Path, name: str, *argv: str) -> bytes:
    out = tmp_path / name
    status = main([*argv, "-o", str(out)])
    assert status in (0, 1), status
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_local_cluster_writes_the_report_of_one_process(
    messy: Path, tmp_path: Path, small_parts: None, fmt: str
) -> None:
    audit = ["audit", str(messy), "--as-of", AS_OF, "--format", fmt]
    one = _report(tmp_path, "one", *audit, "--jobs", "1")
    dask = _report(tmp_path, "dask", *audit, "--dask", "local:2")
    assert dask == one
    if fmt == "json":  # not a comparison of nothing: findings and rejections are there
        report = json.loads(one)
        assert len(report["findings"]) > len(SAMPLE_CHILDREN)
        assert len(report["rejected"]) == 13


def test_entitlements_and_plans_are_those_of_one_process(
    client: Client, messy: Path, small_parts: None
) -> None:
    engine = Engine.from_entry_points()
    executor = DaskExecutor(client)
    year, month = Period.parse("2024"), Period.parse("2024-12")
    runs: dict[str, list[Any]] = {}
    for name, each in (("one", None), ("dask", executor)):
        with open_registry(messy) as stream:
            amounts = list(pipeline.entitlements(engine, stream, year, executor=each))
            rejected = stream.rejections
        with open_registry(messy) as stream:
            plans = list(pipeline.plan(engine, stream, month, executor=each))
        runs[name] = [amounts, rejected, plans]
    assert runs["dask"] == runs["one"]
    amounts, rejected, plans = runs["one"]
    assert len(amounts) > len(SAMPLE_CHILDREN)
    assert len(rejected) == 13
    assert plans


def test_the_audit_api_takes_a_client(client: Client, messy: Path, small_parts: None) -> None:
    engine = Engine.from_entry_points()
    found = {}
    for name, executor in (("one", None), ("dask", DaskExecutor(client))):
        with open_registry(messy) as stream:
            audit = pipeline.audit(engine, stream, as_of=dt.date(2024, 12, 31), executor=executor)
            found[name] = (list(audit), audit.summary, stream.rejections, stream.counts)
    assert found["dask"] == found["one"]


def test_a_directory_registry_audits_the_same(
    client: Client, messy: Path, tmp_path: Path, small_parts: None
) -> None:
    """A registry of several files (reference.jsonl, then one file per county), whose parts
    fall across the files' edges."""
    folder = tmp_path / "registry"
    folder.mkdir()
    lines = messy.read_bytes().splitlines(keepends=True)
    reference, rest = len(SAMPLE_REFERENCE), len(lines) - len(SAMPLE_REFERENCE)
    (folder / "reference.jsonl").write_bytes(b"".join(lines[:reference]))
    for county in range(3):
        part = lines[reference + county * rest // 3 : reference + (county + 1) * rest // 3]
        (folder / f"43112{county}.jsonl").write_bytes(b"".join(part))
    audit = ["audit", str(folder), "--as-of", AS_OF, "--format", "json"]
    one = _report(tmp_path, "one", *audit, "--jobs", "1")
    assert _report(tmp_path, "dask", *audit, "--dask", "local:2") == one
    rejected = json.loads(one)["rejected"]
    assert {r["location"] for r in rejected} <= {f"43112{c}.jsonl" for c in range(3)}


def test_split_reports_are_those_of_one_process(
    messy: Path, tmp_path: Path, small_parts: None
) -> None:
    audit = ["audit", str(messy), "--as-of", AS_OF, "--format", "json", "--split"]
    assert main([*audit, "--jobs", "1", "-o", str(tmp_path / "one")]) == 1
    assert main([*audit, "--dask", "local:2", "-o", str(tmp_path / "dask")]) == 1
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    assert {p.name: p.read_bytes() for p in (tmp_path / "dask").iterdir()} == one
    assert len(one) > 2  # the manifest and parts of several counties


def test_an_executor_needs_a_json_lines_registry(client: Client, tmp_path: Path) -> None:
    engine = Engine()
    document = tmp_path / "registry.json"
    document.write_text('{"divisions": [], "workers": [], "service_points": [], "children": []}')
    with open_registry(document) as stream, pytest.raises(InvalidValueError, match="JSON Lines"):
        pipeline.audit(engine, stream, as_of=dt.date(2024, 12, 31), executor=DaskExecutor(client))


@pytest.mark.parametrize("address", ["local:0", "local:x", "127.0.0.1:8786", ""])
def test_a_bad_address_is_refused(address: str) -> None:
    with pytest.raises(InvalidValueError, match="--dask"):
        dask_client(address)


def _pids(client: Client) -> dict[str, int]:
    return client.run(os.getpid)  # type: ignore[no-any-return]


def test_a_worker_killed_mid_run_has_its_tasks_run_again(
    client: Client, tmp_path: Path, small_parts: None
) -> None:
    # Some 300 parts, so that the kill falls while most of them wait.
    copies = [
        child_line(line, id=f"{n}-{json.loads(line)['id']}")
        for n in range(4)
        for line in SAMPLE_CHILDREN
    ]
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join([*SAMPLE_REFERENCE, *copies]))
    engine = Engine.from_entry_points()
    with open_registry(path) as stream:
        expected = list(pipeline.audit(engine, stream, as_of=dt.date(2024, 12, 31)))
    before = _pids(client)
    victim = max(before.values())
    found: list[Finding] = []
    with open_registry(path) as stream:
        audit = pipeline.audit(
            engine, stream, as_of=dt.date(2024, 12, 31), executor=DaskExecutor(client)
        )
        for finding in audit:
            if not found:
                os.kill(victim, signal.SIGKILL)
            found.append(finding)
    assert found == expected
    client.wait_for_workers(2, timeout=60)
    after = _pids(client)
    assert victim not in after.values()  # the kill happened, and the nanny made a new worker


@contextlib.contextmanager
def _scheduler_and_workers(tmp_path: Path, workers: int) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1; yields
    the scheduler's address."""
    file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    local = ["--host", "127.0.0.1", "--no-dashboard"]
    started = [
        subprocess.Popen(
            [*dask, "scheduler", *local, "--port", "0", "--scheduler-file", str(file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text().strip():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        for _ in range(workers):
            started.append(
                subprocess.Popen(
                    [*dask, "worker", address, *local, "--nthreads", "1"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        with Client(address, timeout="60s") as watching:  # type: ignore[no-untyped-call]
            watching.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_scheduler_and_workers_started_as_commands_write_the_same_reports(
    messy: Path, tmp_path: Path, small_parts: None
) -> None:
    with _scheduler_and_workers(tmp_path, 2) as address:
        for fmt in ("json", "csv"):
            audit = ["audit", str(messy), "--as-of", AS_OF, "--format", fmt]
            one = _report(tmp_path, f"one.{fmt}", *audit, "--jobs", "1")
            dask = _report(tmp_path, f"dask.{fmt}", *audit, "--dask", address)
            assert dask == one, fmt
