"""Real processes against a real database file: racing deciders record one decision; a killed one, none."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from addrcheck.storage import DecisionItemRow, DecisionRow, make_engine, session_scope, upgrade_database

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4

RACER = """
import json, sys, time
from pathlib import Path
from addrcheck.storage import DecisionItem, NewDecision, decide_once, make_engine

url, rendezvous, worker = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
engine = make_engine(url)
(rendezvous / f"ready-{worker}").touch()
while len(list(rendezvous.glob("ready-*"))) < int(sys.argv[4]):
    time.sleep(0.005)

def decide():
    (rendezvous / f"decided-{worker}").touch()
    time.sleep(0.5)  # everyone has now read "nothing recorded"; all of them will try to write
    address = f"address of {worker}"
    items = [DecisionItem(0, "YW-1", 1, None, "yiwu", "r", 0, address, "王建国", "13957112345")]
    return NewDecision("c1", "o1", {"worker": worker}, items)

outcome = decide_once(engine, "m1", "RACE-1", config_hash="c1", order_hash="o1", decide=decide)
print(json.dumps({"created": outcome.created, "revision": outcome.entry.revision,
                  "winner": outcome.entry.payload["worker"], "at": outcome.entry.decided_at.isoformat()}))
"""

CRASHER = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from addrcheck.storage import DecisionItem, DecisionRow, NewDecision, decide_once, make_engine

url, marker = sys.argv[1], Path(sys.argv[2])

@event.listens_for(DecisionRow, "after_insert")
def stall(mapper, connection, target):
    marker.touch()  # the decision row is written, its items are not, nothing is committed
    time.sleep(120)

address = "浙江省金华市义乌市稠城街道工人北路100号"
items = [DecisionItem(0, "YW-1", 1, None, "yiwu", "r", 0, address, "王建国", "13957112345")]
decide_once(make_engine(url), "m1", "CRASH-1", config_hash="c1", order_hash="o1",
            decide=lambda: NewDecision("c1", "o1", {"worker": "crasher"}, items))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return (
                session.scalar(select(func.count()).select_from(DecisionRow)) or 0,
                session.scalar(select(func.count()).select_from(DecisionItemRow)) or 0,
            )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_racing_processes_record_one_decision(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade_database(engine)
    engine.dispose()
    rendezvous = tmp_path / "rendezvous"
    rendezvous.mkdir()
    script = tmp_path / "racer.py"
    script.write_text(RACER, encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), db_url, str(rendezvous), str(worker), str(WORKERS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for worker in range(WORKERS)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert len(list(rendezvous.glob("decided-*"))) >= 2  # the race really happened
    assert sum(r["created"] for r in results) == 1
    assert len({(r["winner"], r["at"], r["revision"]) for r in results}) == 1
    assert _counts(db_url) == (1, 1)


@pytest.mark.slow
def test_killed_mid_write_leaves_nothing_behind(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade_database(engine)
    marker = tmp_path / "inserted"
    script = tmp_path / "crasher.py"
    script.write_text(CRASHER, encoding="utf-8")
    log = tmp_path / "crasher.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(script), db_url, str(marker)],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "the child never reached the write"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _counts(db_url) == (0, 0)
    if db_url.startswith("sqlite"):
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # The lock died with the process: the order can be decided now, as revision 1.
    from addrcheck.storage import DecisionItem, NewDecision, decide_once

    item = DecisionItem(
        0, "YW-1", 1, None, "yiwu", "r", 0, "浙江省金华市义乌市稠城街道工人北路100号", "王建国", "13957112345"
    )
    outcome = decide_once(
        engine,
        "m1",
        "CRASH-1",
        config_hash="c1",
        order_hash="o1",
        decide=lambda: NewDecision("c1", "o1", {"worker": "parent"}, [item]),
    )
    assert (outcome.created, outcome.entry.revision) == (True, 1)
    assert _counts(db_url) == (1, 1)
    engine.dispose()
