"""End to end: the real ``addrcheck`` CLI and server processes, a real SQLite file, HTTP on loopback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import addrcheck
from addrcheck.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

ADDRESS = "浙江省金华市义乌市稠城街道工人北路100号"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        ADDRCHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
        ADDRCHECK_SETTINGS_FILE=str(tmp_path / "absent.toml"),
        ADDRCHECK_AUTH_CACHE_SECONDS="0",
    )
    return environment


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "addrcheck.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.output = ""

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("server not ready in time")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output, _ = self.process.communicate()
        return self.process.returncode


def start_server(env: dict[str, str], *args: str) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "addrcheck.cli", "serve", "--port", str(port), *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Server(process, port)


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[Server]:
    running = start_server(env, "--workers", "2")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def test_keys_cli_and_real_server(env: dict[str, str], server: Server) -> None:
    created = cli(env, "keys", "create", "--merchant", "acme", "--name", "Acme 商贸")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert re.fullmatch(r"ak_[A-Za-z0-9_-]{43}", key)
    assert "shown only now" in created.stderr
    headers = {"Authorization": f"Bearer {key}"}

    with httpx.Client(base_url=server.base, timeout=30) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/v1/meta").json()["data"]["vintage"] == addrcheck.data_version()["vintage"]
        assert client.post("/v1/addresses/validate", json={"address": ADDRESS}).status_code == 401
        response = client.post("/v1/addresses/validate", json={"address": ADDRESS}, headers=headers)
        assert response.status_code == 200
        assert response.json() == addrcheck.validate(ADDRESS).to_dict()
        batch = client.post(
            "/v1/addresses/validate-batch", json={"addresses": [ADDRESS, "浙江省金华市", ""]}, headers=headers
        ).json()
        assert [r["status"] for r in batch["results"]] == ["ok", "vague", "invalid"]
        assert (
            client.post("/v1/addresses/validate", content=b"x" * 2_000_000, headers=headers).status_code
            == 413
        )

        listing = cli(env, "keys", "list", "--merchant", "acme")
        assert listing.returncode == 0
        [row] = [line for line in listing.stdout.splitlines() if key[:8] in line]
        assert row.split()[:3] == ["1", "acme", key[:8]]
        assert row.endswith("-")  # not revoked
        assert key not in listing.stdout

        revoked = cli(env, "keys", "revoke", "1")
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.startswith(f"revoked key 1 ({key[:8]}…) of merchant 'acme' at ")
        response = client.post("/v1/addresses/validate", json={"address": ADDRESS}, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "KEY_REVOKED"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("keys", "revoke", "42"), "addrcheck: no API key with id 42\n"),
        (("keys", "create", "--merchant", "bad id"), "addrcheck: invalid merchant id 'bad id'"),
    ],
)
def test_keys_cli_errors_exit_2(env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    result = cli(env, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)


def test_serve_usage_errors_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    result = cli(env, "serve", "--workers", "0")
    assert (result.returncode, result.stderr) == (
        2,
        "addrcheck: --workers must be >= 1 and --port within 0-65535\n",
    )
    broken = tmp_path / "broken.toml"
    broken.write_text('[routing]\ndefault = "nowhere"\n', encoding="utf-8")
    result = cli(env | {"ADDRCHECK_WAREHOUSES_FILE": str(broken)}, "serve", "--demo")
    assert result.returncode == 2
    assert result.stderr.startswith("addrcheck: cannot set up the demo merchant: ")
    assert "UNKNOWN_WAREHOUSE" in result.stderr


def test_demo_prints_a_working_key_and_curl(env: dict[str, str]) -> None:
    running = start_server(env, "--demo")
    try:
        running.wait_ready()
        with httpx.Client(base_url=running.base, timeout=30) as client:
            assert client.get("/healthz").status_code == 200
    finally:
        running.stop()
    output = running.output
    match = re.search(r"demo API key \(shown once\): (ak_\S+)", output)
    assert match, output
    curl = re.search(r"^  (curl .*)$", output, re.MULTILINE)
    assert curl and f"Bearer {match.group(1)}" in curl.group(1) and running.base in curl.group(1)

    # The printed key belongs to the demo merchant, which has the example warehouses.
    again = start_server(env)
    try:
        again.wait_ready()
        headers = {"Authorization": f"Bearer {match.group(1)}"}
        with httpx.Client(base_url=again.base, timeout=30) as client:
            warehouses = client.get("/v1/warehouses", headers=headers)
            assert warehouses.status_code == 200
            assert warehouses.json()["merchant_id"] == "demo"
            assert [w["id"] for w in warehouses.json()["config"]["warehouses"]] == [
                "yiwu",
                "hangzhou",
                "guangzhou",
            ]
            order = {"order_id": "E2E-1", "shop": "s", "items": [{"sku": "YW-1", "qty": 1}]}
            decided = client.post("/v1/orders/return-address", json=order, headers=headers)
            assert decided.status_code == 201
            recorded = client.get("/v1/orders/E2E-1/return-address", headers=headers)
            assert recorded.json()["decision"] == decided.json()["decision"]
    finally:
        assert again.stop() == 0
