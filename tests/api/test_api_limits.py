"""One request costs at most 1 s of CPU and 200 MB of memory, whatever it holds (issue 14).

A real ``addrcheck serve`` process with the default limits (1 MiB bodies, batches of 1,000); the CPU of
each request is read from the server's /proc/<pid>/stat before and after, the memory as the growth of
its peak RSS (the peak is reset through /proc/<pid>/clear_refs first). Every request goes over one
keep-alive connection, which must survive the refusals.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_api_server_e2e import cli, start_server  # the e2e tests' real server and CLI processes

from addrcheck.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

MAX_CPU_SECONDS = 1.0
MAX_MEMORY_BYTES = 200 * 1024 * 1024
MAX_BODY = 1_048_576
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
EXAMPLE = (PROJECT_ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")
ADDRESS = "浙江省金华市义乌市稠城街道工人北路100号"

LAUGHS = 'a0: &a0 ["x"]\n' + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 8)
)


def before_routing(rules: str) -> str:
    """The example file with ``rules`` added before its [routing] table."""
    head, tail = EXAMPLE.rsplit("\n[routing]\n", 1)
    return f"{head}\n{rules}\n[routing]\n{tail}"


# a glob that a plain regex translation matched in exponential time (28 s for one 60-character SKU)
BACKTRACKING = before_routing(
    '[[rules]]\nwarehouse = "yiwu"\npriority = 5\nsku_glob = "*a*a*a*a*a*a*a*a*a*a*b"\n'
)


def _encode(body: object) -> bytes:
    """UTF-8, as clients send Chinese text; a lone surrogate cannot be UTF-8 and stays an escape."""
    try:
        return json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(body).encode()


def fill(prefix: str, unit: str, suffix: str, budget: int = MAX_BODY - 200) -> str:
    """``prefix + unit * n + suffix`` with n as large as fits ``budget`` bytes once JSON-encoded (UTF-8)."""
    size = len(_encode(prefix + unit + suffix))
    count = max(1, (budget - size) // len(_encode(unit)[1:-1]))
    return prefix + unit * count + suffix


def warehouses(fmt: str, content: str) -> dict[str, Any]:
    return {"format": fmt, "content": content}


def glob_rules(count: int) -> str:
    return before_routing(
        "".join(
            f'[[rules]]\nwarehouse = "yiwu"\npriority = {200 + i}\nsku_glob = "*{i}*[0-9]?*"\n'
            for i in range(count)
        )
    )


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: Any
    status: int
    setup: str | None = None  # a warehouse file to PUT first


CASES = [
    Case("billion laughs", "PUT", "/v1/warehouses", warehouses("yaml", LAUGHS + "warehouses: *a7\n"), 422),
    Case(
        "TOML 1,000 deep", "PUT", "/v1/warehouses", warehouses("toml", "a = " + "[" * 1000 + "]" * 1000), 422
    ),
    Case("YAML 500 deep", "PUT", "/v1/warehouses", warehouses("yaml", "a: " + "[" * 500 + "]" * 500), 422),
    Case("lone surrogate", "PUT", "/v1/warehouses", warehouses("toml", 'a = "\ud800"'), 422),
    Case(
        "TOML dotted key, 1 MiB",
        "PUT",
        "/v1/warehouses",
        warehouses("toml", fill("a", ".a", " = 1", MAX_BODY - 300)),
        422,
    ),
    Case(
        "YAML sexagesimal integer, 1 MiB",
        "PUT",
        "/v1/warehouses",
        warehouses("yaml", fill("a: 1", ":59", "", MAX_BODY - 300)),
        422,
    ),
    Case(
        "TOML empty arrays, 1 MiB",
        "PUT",
        "/v1/warehouses",
        warehouses("toml", fill("a = [", "[],", "[]]", MAX_BODY - 300)),
        422,
    ),
    Case(
        "YAML list of SKUs, 1 MiB",
        "PUT",
        "/v1/warehouses",
        warehouses("yaml", fill("rules:\n  - sku:\n", "    - SKU-12345\n", "", MAX_BODY - 300)),
        422,
    ),
    Case("150 glob rules", "PUT", "/v1/warehouses", warehouses("toml", glob_rules(150)), 422),
    Case(
        "valid file padded to 1 MiB with a comment",
        "PUT",
        "/v1/warehouses",
        warehouses("toml", fill(EXAMPLE + "# ", "注", "\n", MAX_BODY - 300)),
        200,
    ),
    Case(
        "batch of 1,000 addresses of 200 characters",
        "POST",
        "/v1/addresses/validate-batch",
        {"addresses": [(ADDRESS + "稠城街道工人北路100号3栋2单元501室") * 4 + ADDRESS[:10]] * 1000},
        200,
    ),
    Case(
        "batch of 1,000 different addresses",
        "POST",
        "/v1/addresses/validate-batch",
        {"addresses": [f"浙江省金华市义乌市稠城街道工人北路{i}号{i % 30}栋" for i in range(1000)]},
        200,
    ),
    Case(
        "one address of 1 MiB",
        "POST",
        "/v1/addresses/parse",
        {"address": fill("", "浙", "", MAX_BODY - 100)},
        200,
    ),
    Case(
        "validate an address of 1 MiB",
        "POST",
        "/v1/addresses/validate",
        {"address": fill("", "路1号", "", MAX_BODY - 100)},
        200,
    ),
    Case(
        "order of 500 items against a glob that backtracks",
        "POST",
        "/v1/orders/return-address",
        {"order_id": "T-1", "shop": "s", "items": [{"sku": "a" * 128, "qty": 1}] * 500},
        201,
        setup=BACKTRACKING,
    ),
    Case("divisions, the largest list", "GET", "/v1/divisions", None, 200),
    Case(
        "batch of 1,000 addresses repeating a township name",
        "POST",
        "/v1/addresses/validate-batch",
        {"addresses": ["城关镇" * 66] * 1000},
        200,
    ),
    Case(
        "batch of 1,000 different addresses repeating a township name",
        "POST",
        "/v1/addresses/validate-batch",
        {"addresses": [f"{i}城关镇" + "城关镇" * 65 for i in range(1000)]},
        200,
    ),
]


@dataclass
class Measured:
    cpu_seconds: float
    memory_bytes: int


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime and stime (fields 14 and 15)


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {key} in /proc/{pid}/status")


class Meter:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        clear_refs = Path(f"/proc/{pid}/clear_refs")
        self.resets_peak = os.access(clear_refs, os.W_OK)

    def measure(self, send: Any) -> tuple[httpx.Response, Measured]:
        if self.resets_peak:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # "5": reset the peak RSS to the current
        rss_before = _status(self.pid, "VmRSS")
        cpu_before = _cpu(self.pid)
        response = send()
        cpu = _cpu(self.pid) - cpu_before
        peak = _status(self.pid, "VmHWM" if self.resets_peak else "VmRSS")
        return response, Measured(cpu, peak - rss_before)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str], Meter]]:
    folder = tmp_path_factory.mktemp("limits")
    env = dict(os.environ)
    env.update(
        ADDRCHECK_DATABASE_URL=f"sqlite:///{folder / 'limits.sqlite3'}",
        ADDRCHECK_SETTINGS_FILE=str(folder / "absent.toml"),
        ADDRCHECK_AUTH_CACHE_SECONDS="0",
    )
    created = cli(env, "keys", "create", "--merchant", "acme")
    assert created.returncode == 0, created.stderr
    server = start_server(env, "--workers", "1", "--no-access-log", "--log-level", "warning")
    try:
        server.wait_ready()
        headers = {"Authorization": f"Bearer {created.stdout.strip()}"}
        with httpx.Client(base_url=server.base, headers=headers, timeout=120) as client:
            # warm every path once, so that lazy loading is not billed to the first case
            assert client.put("/v1/warehouses", json=warehouses("toml", EXAMPLE)).status_code == 200
            client.post("/v1/addresses/validate-batch", json={"addresses": [ADDRESS] * 10})
            yield client, headers, Meter(server.process.pid)
    finally:
        server.stop()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_one_request_is_bounded(running: tuple[Any, dict[str, str], Meter], case: Case) -> None:
    client, _headers, meter = running
    if case.setup is not None:
        assert client.put("/v1/warehouses", json=warehouses("toml", case.setup)).status_code == 200
    body = None if case.body is None else _encode(case.body)
    assert body is None or len(body) <= MAX_BODY, len(body or b"")
    headers = {"Content-Type": "application/json"} if body is not None else {}
    response, used = meter.measure(
        lambda: client.request(case.method, case.path, content=body, headers=headers)
    )
    assert response.status_code == case.status, response.text[:500]
    assert response.headers.get("connection", "").lower() != "close"
    assert used.cpu_seconds <= MAX_CPU_SECONDS, f"{used.cpu_seconds:.2f} s of CPU"
    assert used.memory_bytes <= MAX_MEMORY_BYTES, f"{used.memory_bytes / 2**20:.0f} MB"
    # the same connection still answers
    assert client.get("/healthz").status_code == 200
    if case.setup is not None or case.path == "/v1/warehouses":
        client.put("/v1/warehouses", json=warehouses("toml", EXAMPLE))


def test_the_refusals_name_their_problem(running: tuple[Any, dict[str, str], Meter]) -> None:
    client, _headers, _meter = running
    codes = {}
    for case in CASES[:9]:
        body = json.dumps(case.body)  # keeps a lone surrogate as its escape, as a client sends it
        response = client.put("/v1/warehouses", content=body, headers={"Content-Type": "application/json"})
        detail = response.json()["error"]["detail"]
        codes[case.name] = sorted({problem["code"] for problem in detail})
    assert codes == {
        "billion laughs": ["CONFIG_TOO_COMPLEX"],
        "TOML 1,000 deep": ["CONFIG_TOO_COMPLEX"],
        "YAML 500 deep": ["CONFIG_TOO_COMPLEX"],
        "lone surrogate": ["INVALID_CHARACTER"],
        "TOML dotted key, 1 MiB": ["CONFIG_TOO_COMPLEX"],
        "YAML sexagesimal integer, 1 MiB": ["CONFIG_TOO_COMPLEX"],
        "TOML empty arrays, 1 MiB": ["CONFIG_TOO_COMPLEX"],
        "YAML list of SKUs, 1 MiB": ["CONFIG_TOO_COMPLEX"],
        "150 glob rules": ["CONFIG_TOO_COMPLEX"],
    }
