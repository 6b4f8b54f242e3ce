"""Audit jobs: an uploaded file audited by ``run_audit`` outside the request, queued in the database.

    >>> job = create_job(engine, "acme", job_id=new_job_id(), filename="a.csv", fmt="csv", ...)
    >>> worker = AuditWorker(engine, settings)   # one or more per server process, on any machine
    >>> worker.start()                            # claims queued jobs and runs them; worker.stop() on exit

Life of a job: ``queued`` (the upload is stored) → ``running`` (a worker claimed it) → ``done`` (the
result, the report and the summary are stored) or ``failed`` (``error_code``, ``error_message``).

Claiming. A worker takes the oldest job that is queued, or running under a lease that has expired (its
worker died: kill -9, power loss), by writing a fresh ``claim_token`` and ``lease_expires_at``. The
candidate is selected ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers pick different
jobs; the UPDATE itself is conditional on the row still being claimable with the token that was read,
so on SQLite (where the transaction holds the write lock, ``BEGIN IMMEDIATE``) and anywhere else at
most one worker wins. While it runs, the worker renews the lease and writes the progress every
``audit_progress_seconds``; every later write is conditional on its token, and a worker that finds
its token gone stops at the next chunk without touching the row.

Resuming. The engine checkpoints after every chunk next to the result; a job taken over after its
worker died is run again with ``resume=True``, so it continues after the last committed chunk and
the result has every input row exactly once. A server shutting down releases its jobs to ``queued``.
Caveat: leases compare the clocks of the machines that write them; keep them within a few seconds.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from addrcheck.audit._engine import AuditOptions, checkpoint_path, run_audit
from addrcheck.audit._report import render_report
from addrcheck.audit._types import AuditError
from addrcheck.policy import PRESETS
from addrcheck.settings import Settings
from addrcheck.storage.api_keys import ensure_merchant
from addrcheck.storage.engine import session_scope
from addrcheck.storage.models import AuditJobRow, as_utc, utc_now

logger = logging.getLogger("addrcheck.audit.jobs")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERNAL_FAILURE = "AUDIT_INTERNAL_ERROR"  # the engine broke on this file (a bug; logged with its trace)
JOB_LISTING_LIMIT = 200
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class AuditJob:
    """One job as the API shows it (times in UTC); ``summary`` is the engine's JSON summary once done."""

    id: str
    merchant_id: str
    status: str
    filename: str
    format: str
    encoding: str | None
    column: str | None
    policy: str
    upload_bytes: int
    rows_done: int
    rows_total: int | None
    rate: float | None
    eta_seconds: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    error_code: str | None
    error_message: str | None
    summary: dict[str, Any] | None

    @classmethod
    def from_row(cls, row: AuditJobRow) -> AuditJob:
        def moment(value: datetime | None) -> datetime | None:
            return as_utc(value) if value is not None else None

        return cls(
            id=row.id,
            merchant_id=row.merchant_id,
            status=row.status,
            filename=row.filename,
            format=row.format,
            encoding=row.encoding,
            column=row.column,
            policy=row.policy,
            upload_bytes=row.upload_bytes,
            rows_done=row.rows_done,
            rows_total=row.rows_total,
            rate=row.rate,
            eta_seconds=row.eta_seconds,
            created_at=as_utc(row.created_at),
            started_at=moment(row.started_at),
            finished_at=moment(row.finished_at),
            attempts=row.attempts,
            error_code=row.error_code,
            error_message=row.error_message,
            summary=json.loads(row.summary) if row.summary else None,
        )


@dataclass(frozen=True, slots=True)
class JobFiles:
    """Where a job's files live: ``<data dir>/<merchant>/<job id>/``."""

    folder: Path
    format: str

    @property
    def input(self) -> Path:
        return self.folder / f"input.{self.format}"

    @property
    def result(self) -> Path:
        return self.folder / f"result.{self.format}"

    @property
    def report(self) -> Path:
        return self.folder / "report.html"

    @property
    def summary(self) -> Path:
        return self.folder / "summary.json"


def new_job_id() -> str:
    return uuid.uuid4().hex


def job_files(data_dir: Path, merchant_id: str, job_id: str, fmt: str) -> JobFiles:
    """The folder of a job. A merchant id that is not a plain file name is replaced by its hash."""
    safe = merchant_id if _SAFE_NAME.fullmatch(merchant_id) else sha256(merchant_id.encode()).hexdigest()[:32]
    if not re.fullmatch(r"[0-9a-f]{32}", job_id):
        raise ValueError(f"not a job id: {job_id!r}")
    return JobFiles(data_dir / safe / job_id, fmt)


def create_job(
    engine: Engine,
    merchant_id: str,
    *,
    job_id: str,
    filename: str,
    fmt: str,
    encoding: str | None,
    column: str | None,
    policy: str,
    upload_bytes: int,
    rows_total: int | None = None,
) -> AuditJob:
    """Record a queued job whose input is already stored at ``job_files(...).input``."""
    with session_scope(engine, write=True) as session:
        ensure_merchant(session, merchant_id)
        row = AuditJobRow(
            id=job_id,
            merchant_id=merchant_id,
            status=QUEUED,
            filename=filename,
            format=fmt,
            encoding=encoding,
            column=column,
            policy=policy,
            upload_bytes=upload_bytes,
            rows_done=0,
            rows_total=rows_total,
            created_at=utc_now(),
            attempts=0,
        )
        session.add(row)
        session.flush()
        return AuditJob.from_row(row)


def get_job(engine: Engine, merchant_id: str, job_id: str) -> AuditJob | None:
    """The merchant's job, or None: another merchant's job is as unknown as a job that never existed."""
    with session_scope(engine) as session:
        row = session.get(AuditJobRow, job_id)
        if row is None or row.merchant_id != merchant_id:
            return None
        return AuditJob.from_row(row)


def list_jobs(engine: Engine, merchant_id: str, *, limit: int = JOB_LISTING_LIMIT) -> list[AuditJob]:
    """The merchant's jobs, newest first, at most ``limit``."""
    with session_scope(engine) as session:
        rows = session.scalars(
            select(AuditJobRow)
            .where(AuditJobRow.merchant_id == merchant_id)
            .order_by(AuditJobRow.created_at.desc(), AuditJobRow.id.desc())
            .limit(limit)
        )
        return [AuditJob.from_row(row) for row in rows]


@dataclass(frozen=True, slots=True)
class Claim:
    """A job this worker holds: every write about it names ``token``."""

    job: AuditJob
    token: str


def _claimable(now: datetime) -> Any:
    return or_(
        AuditJobRow.status == QUEUED,
        (AuditJobRow.status == RUNNING) & (AuditJobRow.lease_expires_at < now),
    )


def claim_job(engine: Engine, worker: str, *, lease_seconds: float) -> Claim | None:
    """Take the oldest claimable job (queued, or running with an expired lease), or None if there is none.

    Safe from any number of threads, processes and machines sharing the database: at most one caller
    gets a given job until its lease expires.
    """
    token = uuid.uuid4().hex
    with session_scope(engine, write=True) as session:
        now = utc_now()
        candidate = session.execute(
            select(AuditJobRow.id, AuditJobRow.claim_token)
            .where(_claimable(now))
            .order_by(AuditJobRow.created_at, AuditJobRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if candidate is None:
            return None
        job_id, previous = candidate
        same_claim = (
            AuditJobRow.claim_token.is_(None) if previous is None else AuditJobRow.claim_token == previous
        )
        result = session.execute(
            update(AuditJobRow)
            .where(AuditJobRow.id == job_id, _claimable(now), same_claim)
            .values(
                status=RUNNING,
                claim_token=token,
                claimed_by=worker[:200],
                heartbeat_at=now,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                attempts=AuditJobRow.attempts + 1,
                started_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            return None
        row = session.get(AuditJobRow, job_id, populate_existing=True)
        assert row is not None
        return Claim(AuditJob.from_row(row), token)


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count


def _update_claimed(engine: Engine, claim: Claim, **values: Any) -> bool:
    """Write ``values`` to the job if this claim still holds it; False if another worker took it over."""
    with session_scope(engine, write=True) as session:
        return _update_in(session, claim, **values)


def _update_in(session: Session, claim: Claim, **values: Any) -> bool:
    result = session.execute(
        update(AuditJobRow)
        .where(
            AuditJobRow.id == claim.job.id,
            AuditJobRow.claim_token == claim.token,
            AuditJobRow.status == RUNNING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


@dataclass(frozen=True, slots=True)
class Progress:
    rows_done: int
    rows_total: int | None
    rate: float | None
    eta_seconds: float | None


def renew_lease(engine: Engine, claim: Claim, *, lease_seconds: float, progress: Progress | None) -> bool:
    """Extend the lease and record the progress; False when the job is no longer this claim's."""
    now = utc_now()
    values: dict[str, Any] = {"heartbeat_at": now, "lease_expires_at": now + timedelta(seconds=lease_seconds)}
    if progress is not None:
        values.update(
            rows_done=progress.rows_done,
            rows_total=progress.rows_total,
            rate=progress.rate,
            eta_seconds=progress.eta_seconds,
        )
    return _update_claimed(engine, claim, **values)


def finish_job(engine: Engine, claim: Claim, summary: dict[str, Any], elapsed: float) -> bool:
    rows = int(summary.get("rows_in", 0))
    return _update_claimed(
        engine,
        claim,
        status=DONE,
        rows_done=rows,
        rows_total=rows,
        rate=round(rows / elapsed, 1) if elapsed > 0 else None,
        eta_seconds=0.0,
        finished_at=utc_now(),
        summary=json.dumps(summary, ensure_ascii=False),
        claim_token=None,
        lease_expires_at=None,
    )


def fail_job(engine: Engine, claim: Claim, code: str, message: str) -> bool:
    return _update_claimed(
        engine,
        claim,
        status=FAILED,
        error_code=code[:64],
        error_message=message,
        eta_seconds=None,
        finished_at=utc_now(),
        claim_token=None,
        lease_expires_at=None,
    )


def release_job(engine: Engine, claim: Claim, progress: Progress | None = None) -> bool:
    """Give a running job back to the queue (server shutting down): the next worker resumes it at once."""
    values: dict[str, Any] = {"rows_done": progress.rows_done} if progress is not None else {}
    return _update_claimed(
        engine,
        claim,
        status=QUEUED,
        claim_token=None,
        claimed_by=None,
        lease_expires_at=None,
        eta_seconds=None,
        **values,
    )


class _Stop(Exception):
    """Raised from the engine's progress callback: the worker is stopping or lost its lease."""


class _ProgressMeter:
    """Rows done, rate and ETA from the engine's callbacks (rate over this attempt only)."""

    def __init__(self, start_rows: int, rows_total: int | None) -> None:
        self.started = time.monotonic()
        self.start_rows = start_rows
        self.rows_total = rows_total
        self.start_fraction: float | None = None
        self.latest: Progress | None = None

    def update(self, rows: int, fraction: float | None) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        if self.start_fraction is None and fraction is not None:
            self.start_fraction = fraction
        rate = max(rows - self.start_rows, 0) / elapsed
        total = self.rows_total
        if total is None and fraction:
            total = max(rows, round(rows / fraction))  # an estimate from the bytes read so far
        eta: float | None = None
        if fraction is not None and 0 < fraction < 1:
            done_here = fraction - (self.start_fraction or 0.0)
            if done_here > 0:
                eta = round(elapsed * (1 - fraction) / done_here, 1)
        elif fraction == 1:
            eta = 0.0
        self.latest = Progress(rows, total, round(rate, 1), eta)


def _checkpointed_rows(files: JobFiles) -> int:
    """Rows a resumed run starts after (the job row's count may lag behind by a heartbeat)."""
    try:
        state = json.loads(checkpoint_path(files.result).read_text(encoding="utf-8"))
        return int(state.get("rows_done", 0))
    except (OSError, ValueError, AttributeError):
        return 0


def public_message(message: str, files: JobFiles, filename: str) -> str:
    """An engine message as the uploader should read it.

    The engine names files by their path on the server and options by their CLI flags; the merchant
    knows the file by its name and the option as the upload's form field.
    """
    text = message.replace(str(files.input), filename).replace(str(files.folder), "")
    return text.replace("--column", "the form field 'column'")


class AuditWorker:
    """Threads that claim queued jobs and run them, in the calling process; ``start()``/``stop()``.

    Args:
        engine: the database holding ``audit_jobs``.
        settings: ``audit_*`` settings (data folder, threads, lease, engine, chunk size).
        name: how this worker appears in ``claimed_by`` (default host:pid).
    """

    def __init__(self, engine: Engine, settings: Settings, *, name: str | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.jobs_run = 0

    def start(self) -> None:
        if self._threads:
            return
        for index in range(self.settings.audit_worker_threads):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self.name}/{index}",),
                name=f"addrcheck-audit-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming; a running job stops at its next chunk and is released to the queue."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        self._threads = []

    def _loop(self, name: str) -> None:
        while not self._stopping.is_set():
            try:
                ran = self.run_one(name)
            except Exception:
                # The database may be away for a moment; the worker outlives it and tries again.
                logger.exception("audit worker %s: cannot claim a job", name)
                ran = False
            if not ran:
                self._stopping.wait(self.settings.audit_poll_seconds)

    def run_one(self, name: str | None = None) -> bool:
        """Claim one job and run it to its end (or until stopped); False if there was nothing to claim."""
        claim = claim_job(self.engine, name or self.name, lease_seconds=self.settings.audit_lease_seconds)
        if claim is None:
            return False
        self.jobs_run += 1
        self._run(claim)
        return True

    def _run(self, claim: Claim) -> None:
        job, settings = claim.job, self.settings
        files = job_files(settings.audit_data_dir, job.merchant_id, job.id, job.format)
        started = time.monotonic()
        meter = _ProgressMeter(_checkpointed_rows(files), job.rows_total if job.format == "xlsx" else None)
        lost = threading.Event()
        finished = threading.Event()
        renewed = [time.monotonic()]  # when the lease was last renewed, by this clock

        def heartbeat() -> None:
            interval = min(settings.audit_progress_seconds, settings.audit_lease_seconds / 3)
            while not finished.wait(interval):
                try:
                    held = renew_lease(
                        self.engine, claim, lease_seconds=settings.audit_lease_seconds, progress=meter.latest
                    )
                except Exception:
                    logger.exception("audit job %s: cannot renew the lease", job.id)
                    continue
                if not held:
                    lost.set()
                    return
                renewed[0] = time.monotonic()

        def on_progress(rows: int, fraction: float | None) -> None:
            meter.update(rows, fraction)
            if time.monotonic() - renewed[0] > settings.audit_lease_seconds / 2:
                # Unrenewed for half the lease (database away, process paused): stop writing before
                # another worker can take the job over and resume from the same checkpoint.
                lost.set()
            if lost.is_set() or self._stopping.is_set():
                raise _Stop

        beat = threading.Thread(target=heartbeat, name=f"addrcheck-audit-lease-{job.id[:8]}", daemon=True)
        beat.start()
        try:
            try:
                summary = self._audit(job, files, on_progress)
            finally:
                finished.set()
                beat.join()
        except _Stop:
            if not lost.is_set():
                release_job(self.engine, claim, meter.latest)
            return
        except AuditError as exc:
            fail_job(self.engine, claim, exc.code, public_message(exc.message, files, job.filename))
            return
        except Exception as exc:
            logger.exception("audit job %s failed", job.id)
            fail_job(
                self.engine,
                claim,
                INTERNAL_FAILURE,
                f"The audit stopped on an internal error ({type(exc).__name__}); the file is kept.",
            )
            return
        if not finish_job(self.engine, claim, summary, time.monotonic() - started):
            logger.warning("audit job %s finished after its lease was taken over", job.id)

    def _audit(self, job: AuditJob, files: JobFiles, on_progress: Callable[[int, float | None], None]) -> Any:
        checkpoint = checkpoint_path(files.result)
        if not checkpoint.exists() and files.summary.exists():
            # The previous worker finished the audit and died before it could record it.
            return json.loads(files.summary.read_text(encoding="utf-8"))
        policy = PRESETS.get(job.policy)
        if policy is None:
            raise AuditError(f"unknown policy {job.policy!r}", code="UNKNOWN_POLICY")
        options = AuditOptions(
            input=files.input,
            output=files.result,
            column=job.column,
            policy=policy,
            workers=self.settings.audit_engine_workers,
            resume=checkpoint.exists(),
            engine=self.settings.audit_engine,
            scheduler=self.settings.audit_scheduler,
            chunk_rows=self.settings.audit_chunk_rows,
            progress=False,
            on_progress=on_progress,
        )
        summary = run_audit(options)
        # The engine's summary and report name files by their paths on the server; show the upload's name.
        summary["input"] = {**summary.get("input", {}), "files": [job.filename]}
        summary["output"] = f"{Path(job.filename).stem or 'audit'}.audited.{job.format}"
        files.report.write_text(render_report(summary), encoding="utf-8")
        temporary = files.summary.with_name(files.summary.name + ".tmp")
        temporary.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, files.summary)  # last: its presence means "audited" to a later attempt
        return summary
