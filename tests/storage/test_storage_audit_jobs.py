"""The audit job queue: claims, leases and token-checked writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from addrcheck.audit.jobs import (
    Claim,
    Progress,
    claim_job,
    create_job,
    fail_job,
    finish_job,
    get_job,
    list_jobs,
    new_job_id,
    release_job,
    renew_lease,
)
from addrcheck.storage import session_scope
from addrcheck.storage.models import AuditJobRow, utc_now

ROOT = Path(__file__).resolve().parents[2]
RACERS = 2
RACE_JOBS = 60


def queue(engine: Engine, merchant: str = "m1", count: int = 1) -> list[str]:
    ids = []
    for index in range(count):
        job = create_job(
            engine, merchant, job_id=new_job_id(), filename=f"f{index}.csv", fmt="csv", encoding="utf-8",
            column="地址", policy="default", upload_bytes=10,
        )  # fmt: skip
        ids.append(job.id)
        time.sleep(0.002)  # distinct created_at, so "oldest first" is well defined
    return ids


def expire(engine: Engine, job_id: str) -> None:
    with session_scope(engine, write=True) as session:
        session.execute(
            update(AuditJobRow)
            .where(AuditJobRow.id == job_id)
            .values(lease_expires_at=utc_now() - timedelta(seconds=1))
        )


def test_claims_oldest_first_and_once(engine: Engine) -> None:
    first, second = queue(engine, count=2)
    claim = claim_job(engine, "w1", lease_seconds=60)
    assert claim is not None and claim.job.id == first
    assert (claim.job.status, claim.job.attempts) == ("running", 1)
    other = claim_job(engine, "w2", lease_seconds=60)
    assert other is not None and other.job.id == second
    assert claim_job(engine, "w3", lease_seconds=60) is None


def test_an_expired_lease_is_taken_over_and_the_old_worker_is_locked_out(engine: Engine) -> None:
    (job_id,) = queue(engine)
    old = claim_job(engine, "w1", lease_seconds=60)
    assert old is not None
    progress = Progress(rows_done=40, rows_total=100, rate=20.0, eta_seconds=3.0)
    assert renew_lease(engine, old, lease_seconds=60, progress=progress)
    assert claim_job(engine, "w2", lease_seconds=60) is None  # the lease holds
    expire(engine, job_id)
    new = claim_job(engine, "w2", lease_seconds=60)
    assert new is not None and new.job.id == job_id
    assert (new.job.attempts, new.job.rows_done) == (2, 40)  # progress is kept for the resumed run
    assert not renew_lease(engine, old, lease_seconds=60, progress=None)
    assert not finish_job(engine, old, {"rows_in": 100}, 1.0)
    assert not fail_job(engine, old, "X", "x")
    assert finish_job(engine, new, {"rows_in": 100, "rows_out": 100}, 2.0)
    done = get_job(engine, "m1", job_id)
    assert done is not None
    assert (done.status, done.rows_done, done.rows_total, done.rate, done.eta_seconds) == (
        "done", 100, 100, 50.0, 0.0
    )  # fmt: skip
    assert done.summary == {"rows_in": 100, "rows_out": 100}
    expire(engine, job_id)
    assert claim_job(engine, "w3", lease_seconds=60) is None  # a finished job is never claimed again


def test_release_and_fail(engine: Engine) -> None:
    first, second = queue(engine, count=2)
    claim = claim_job(engine, "w1", lease_seconds=60)
    assert claim is not None and release_job(engine, claim)
    again = claim_job(engine, "w2", lease_seconds=60)
    assert again is not None and (again.job.id, again.job.attempts) == (first, 2)
    assert fail_job(engine, again, "NO_ADDRESS_COLUMN", "a.csv: no address column")
    failed = get_job(engine, "m1", first)
    assert failed is not None
    assert (failed.status, failed.error_code, failed.error_message) == (
        "failed", "NO_ADDRESS_COLUMN", "a.csv: no address column"
    )  # fmt: skip
    assert failed.finished_at is not None
    last = claim_job(engine, "w2", lease_seconds=60)
    assert last is not None and last.job.id == second


def test_listing_is_per_merchant_newest_first(engine: Engine) -> None:
    mine = queue(engine, "m1", count=3)
    theirs = queue(engine, "m2", count=1)
    assert [job.id for job in list_jobs(engine, "m1")] == mine[::-1]
    assert [job.id for job in list_jobs(engine, "m2")] == theirs
    assert get_job(engine, "m2", mine[0]) is None
    assert get_job(engine, "m1", "0" * 32) is None


RACER = """
import json, sys, time
from pathlib import Path
from addrcheck.audit.jobs import claim_job, finish_job
from addrcheck.storage import make_engine

url, rendezvous, worker, racers = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
engine = make_engine(url)
(rendezvous / f"ready-{worker}").touch()
while len(list(rendezvous.glob("ready-*"))) < racers:
    time.sleep(0.005)
claimed = []
while (claim := claim_job(engine, worker, lease_seconds=120)) is not None:
    claimed.append(claim.job.id)
    time.sleep(0.005)  # a little work, so the racers interleave
    assert finish_job(engine, claim, {"rows_in": 1}, 0.01)
print(json.dumps(claimed))
"""


@pytest.mark.slow
def test_racing_processes_never_run_a_job_twice(engine: Engine, db_url: str, tmp_path: Path) -> None:
    ids = queue(engine, count=RACE_JOBS)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, db_url, str(tmp_path), f"racer-{index}", str(RACERS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(RACERS)
    ]
    claimed: list[list[str]] = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        claimed.append(json.loads(out))
    everything = [job_id for one in claimed for job_id in one]
    assert sorted(everything) == sorted(ids)  # every job once, none twice
    assert all(claimed), f"one racer got no job at all: {[len(one) for one in claimed]}"
    jobs = list_jobs(engine, "m1")
    assert {(job.status, job.attempts) for job in jobs} == {("done", 1)}


def test_claim_object_names_its_token(engine: Engine) -> None:
    queue(engine)
    claim = claim_job(engine, "w1", lease_seconds=60)
    assert isinstance(claim, Claim) and len(claim.token) == 32
    with session_scope(engine) as session:
        row = session.get(AuditJobRow, claim.job.id)
        assert row is not None and (row.claim_token, row.claimed_by) == (claim.token, "w1")
