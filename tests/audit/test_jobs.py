"""AuditWorker: runs claimed jobs with run_audit, fails them with clear codes, releases them on stop."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from addrcheck.audit import jobs
from addrcheck.audit.jobs import AuditWorker, JobFiles, create_job, get_job, job_files, new_job_id
from addrcheck.settings import Settings
from addrcheck.storage import make_engine, upgrade_database

TEMPLATES = ["浙江省金华市义乌市稠城街道工人北路{}号", "浙江省金华市", "杭州市婺城区{}号"]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    upgrade_database(engine)
    return engine


@pytest.fixture
def settings(tmp_path: Path, engine: Engine) -> Settings:
    return Settings(
        database_url=str(engine.url),
        audit_data_dir=tmp_path / "audits",
        audit_chunk_rows=100,
        audit_poll_seconds=0.02,
        audit_progress_seconds=0.05,
    )


def queue_csv(engine: Engine, settings: Settings, rows: int, name: str = "退货.csv") -> JobFiles:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["id", "地址"])
    writer.writerows([i, TEMPLATES[i % len(TEMPLATES)].format(i)] for i in range(rows))
    job_id = new_job_id()
    files = job_files(settings.audit_data_dir, "m1", job_id, "csv")
    files.folder.mkdir(parents=True)
    files.input.write_bytes(text.getvalue().encode("gbk"))
    create_job(
        engine, "m1", job_id=job_id, filename=name, fmt="csv", encoding="gbk", column="地址",
        policy="default", upload_bytes=files.input.stat().st_size,
    )  # fmt: skip
    return files


def job_of(engine: Engine, files: JobFiles) -> jobs.AuditJob:
    job = get_job(engine, "m1", files.folder.name)
    assert job is not None
    return job


def test_a_job_runs_to_done(engine: Engine, settings: Settings) -> None:
    files = queue_csv(engine, settings, 250)
    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.rows_done, job.rows_total, job.attempts) == ("done", 250, 250, 1)
    assert job.summary is not None and job.summary["input"]["files"] == ["退货.csv"]
    assert job.summary["output"] == "退货.audited.csv"
    assert str(files.folder) not in files.report.read_text(encoding="utf-8")
    assert len(files.result.read_bytes().decode("gb18030").splitlines()) == 251
    assert not jobs.checkpoint_path(files.result).exists()
    assert not AuditWorker(engine, settings).run_one()  # nothing left to claim


@pytest.mark.parametrize(
    ("damage", "code", "message"),
    [
        (
            b"\x00\x01\x02\x03" * 300,
            "BINARY_INPUT",
            "退货.csv: this is a binary file, not CSV/TSV/JSONL text",
        ),
        ("id,备注\n1,x\n".encode(), "NO_ADDRESS_COLUMN", None),
    ],
)
def test_a_file_that_went_bad_fails_the_job_with_its_code(
    engine: Engine, settings: Settings, damage: bytes, code: str, message: str | None
) -> None:
    files = queue_csv(engine, settings, 10)
    files.input.write_bytes(damage)
    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.error_code) == ("failed", code)
    assert job.error_message is not None and str(files.folder) not in job.error_message
    if message is not None:
        assert job.error_message == message


def test_an_engine_bug_fails_the_job_without_a_trace_for_the_merchant(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(options: object) -> None:
        raise RuntimeError("boom at /srv/secret/path")

    monkeypatch.setattr(jobs, "run_audit", broken)
    files = queue_csv(engine, settings, 10)
    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.error_code) == ("failed", "AUDIT_INTERNAL_ERROR")
    assert job.error_message == "The audit stopped on an internal error (RuntimeError); the file is kept."


def test_stopping_releases_the_job_and_the_next_worker_resumes_it(engine: Engine, settings: Settings) -> None:
    rows = 20_000
    files = queue_csv(engine, settings, rows)
    worker = AuditWorker(engine, settings)
    worker.start()
    deadline = time.monotonic() + 60
    while job_of(engine, files).rows_done < rows // 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop()
    released = job_of(engine, files)
    assert released.status == "queued", "the audit finished before it could be stopped"
    assert 0 < released.rows_done < rows
    assert jobs.checkpoint_path(files.result).exists()

    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.attempts) == ("done", 2)
    assert job.summary is not None
    assert job.summary["resumed_from_row"] == released.rows_done  # the last checkpoint, recorded on release
    assert job.summary["rows_in"] == job.summary["rows_out"] == rows
    ids = [line.split(",", 1)[0] for line in files.result.read_bytes().decode("gb18030").splitlines()[1:]]
    assert ids == [str(i) for i in range(rows)]


def test_an_audit_finished_but_not_recorded_is_not_redone(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = queue_csv(engine, settings, 10)
    files.summary.write_text(json.dumps({"rows_in": 10, "rows_out": 10}), encoding="utf-8")
    monkeypatch.setattr(jobs, "run_audit", lambda options: pytest.fail("the audit was run again"))
    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.rows_done) == ("done", 10)


def test_a_worker_that_cannot_renew_its_lease_stops_before_it_can_expire(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 20_000
    files = queue_csv(engine, settings, rows)
    short = settings.model_copy(update={"audit_lease_seconds": 0.6})

    def unreachable(*args: object, **kwargs: object) -> bool:
        raise OSError("database unreachable")

    monkeypatch.setattr(jobs, "renew_lease", unreachable)
    assert AuditWorker(engine, short).run_one()
    stopped = job_of(engine, files)
    assert stopped.status == "running"  # left to its lease: this worker cannot tell the database anything
    assert jobs.checkpoint_path(files.result).exists()
    monkeypatch.undo()

    time.sleep(0.7)  # the lease expires
    assert AuditWorker(engine, settings).run_one()
    job = job_of(engine, files)
    assert (job.status, job.attempts) == ("done", 2)
    assert job.summary is not None and 0 < job.summary["resumed_from_row"] < rows
    ids = [line.split(",", 1)[0] for line in files.result.read_bytes().decode("gb18030").splitlines()[1:]]
    assert ids == [str(i) for i in range(rows)]
