"""End to end: audit jobs in real ``addrcheck serve`` processes; one is killed with SIGKILL mid-audit."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from addrcheck.settings import PROJECT_ROOT
from tests.api.test_api_server_e2e import Server, cli, start_server
from tests.audit.conftest import core_files_state, skip_if_core_changed

pytestmark = pytest.mark.slow

# Addresses without a contact name: segmenting names loads jieba, seconds that this test does not need.
TEMPLATES = [
    "浙江省金华市义乌市稠城街道工人北路{}号",
    "广东省深圳市南山区粤海街道科技园路{}号",
    "杭州市婺城区{}号",
    "北京市朝阳区建国路{}号院",
    "浙江省金华市",
]
ROWS = 30_000
KILL_AFTER_ROWS = 1000  # early, so that even the compiled validator is still running


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        ADDRCHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
        ADDRCHECK_SETTINGS_FILE=str(tmp_path / "absent.toml"),
        ADDRCHECK_AUTH_CACHE_SECONDS="0",
        ADDRCHECK_AUDIT_DATA_DIR=str(tmp_path / "audits"),
        ADDRCHECK_AUDIT_CHUNK_ROWS="200",  # many checkpoints, so the kill lands between two of them
        ADDRCHECK_AUDIT_LEASE_SECONDS="1.5",  # the restarted server takes the job over after this
        ADDRCHECK_AUDIT_POLL_SECONDS="0.1",
        ADDRCHECK_AUDIT_PROGRESS_SECONDS="0.1",
    )
    return environment


def gbk_csv(rows: int) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["订单号", "退货地址"])
    # A row number in every address: no two rows alike, so the verdict cache cannot hide a redone row.
    writer.writerows([f"R{i:05d}", TEMPLATES[i % len(TEMPLATES)].format(i)] for i in range(rows))
    return text.getvalue().encode("gbk")


def new_key(env: dict[str, str], merchant: str) -> dict[str, str]:
    created = cli(env, "keys", "create", "--merchant", merchant)
    assert created.returncode == 0, created.stderr
    return {"Authorization": f"Bearer {created.stdout.strip()}"}


def poll(server: Server, headers: dict[str, str], job_id: str, until: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{server.base}/v1/audits/{job_id}", headers=headers, timeout=10).json()
        if until(job):
            return job
        if job["status"] == "failed":
            raise AssertionError(job)
        time.sleep(0.05)
    raise AssertionError(f"audit {job_id} did not get there in {timeout} s")


def test_killed_server_resumes_the_audit_on_restart(env: dict[str, str], tmp_path: Path) -> None:
    core = core_files_state()
    headers = new_key(env, "acme")
    content = gbk_csv(ROWS)
    (tmp_path / "in.csv").write_bytes(content)
    # The uninterrupted run to compare with: the CLI on the same file, meanwhile, on the other core.
    reference = subprocess.Popen(
        [sys.executable, "-m", "addrcheck", "audit", str(tmp_path / "in.csv"), "-o", str(tmp_path / "ref.csv"),
         "--workers", "1"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server = start_server(env)
    try:
        server.wait_ready()
        created = httpx.post(
            f"{server.base}/v1/audits", headers=headers, files={"file": ("退货.csv", content)}, timeout=30
        )
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        running = poll(server, headers, job_id, lambda job: job["rows_done"] >= KILL_AFTER_ROWS)
        assert running["status"] == "running", "the audit finished before it could be killed"
        assert running["rate"] > 0 and running["rows_total"] > 0 and running["eta_seconds"] is not None
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
    finally:
        server.stop()

    restarted = start_server(env)
    try:
        restarted.wait_ready()
        done = poll(restarted, headers, job_id, lambda job: job["status"] == "done")
        assert done["attempts"] == 2
        assert 0 < done["summary"]["resumed_from_row"] < ROWS
        assert done["summary"]["rows_in"] == done["summary"]["rows_out"] == ROWS
        result = httpx.get(f"{restarted.base}/v1/audits/{job_id}/result", headers=headers, timeout=30)
        assert result.status_code == 200
    finally:
        restarted.stop()
        _, errors = reference.communicate(timeout=120)
    assert reference.returncode == 1, errors  # 1: some addresses are not ok
    skip_if_core_changed(core)
    assert result.content == (tmp_path / "ref.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(result.content.decode("gb18030"))))
    assert [row[0] for row in rows[1:]] == [f"R{i:05d}" for i in range(ROWS)]  # each row once, in order


def test_two_server_processes_share_the_queue(env: dict[str, str]) -> None:
    headers = new_key(env, "acme")
    content = gbk_csv(100)
    server = start_server(env, "--workers", "2")  # two processes, each with its own audit worker
    try:
        server.wait_ready()
        ids = [
            httpx.post(
                f"{server.base}/v1/audits", headers=headers, files={"file": (f"{n}.csv", content)}, timeout=30
            ).json()["id"]
            for n in range(4)
        ]
        finished = [poll(server, headers, job_id, lambda job: job["status"] == "done") for job_id in ids]
    finally:
        server.stop()
    assert [(job["attempts"], job["summary"]["rows_out"]) for job in finished] == [(1, 100)] * 4
