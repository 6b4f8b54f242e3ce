"""Bounded load test of the HTTP API against a server started here, on 127.0.0.1.

    python bench/api_load.py                       # defaults: 2 workers, 16 connections, 20,000 requests
    python bench/api_load.py --requests 5000 --concurrency 8 --workers 1 --json out.json

What it does, in one run:

1. starts ``python -m addrcheck.cli serve`` as a subprocess on a free loopback port, with a fresh SQLite
   database in a temporary folder and a key made by ``addrcheck keys create``; waits for ``/readyz``;
2. single validation: ``--concurrency`` keep-alive connections send ``POST /v1/addresses/validate`` one
   after another until ``--requests`` are done (or ``--max-seconds`` pass); reports requests/s and the
   p50/p99 latency (write of the request to the last byte of the response);
3. batch: one connection sends ``--batches`` batches of ``--batch-size`` addresses to
   ``/v1/addresses/validate-batch``, each followed by ``addrcheck.validate`` over the same addresses in
   this process (the library's own speed, measured under the same load); reports both in addresses/s
   and the ratio (time in the endpoint / time in the library);
4. stops the server.

It prints, among the rest, single-validation requests/s as a share of the library's own rate (one
process calling ``addrcheck.validate`` in a loop), both measured in this run.

The client is a minimal asyncio HTTP/1.1 client (no httpx) so that it takes as little of the shared CPU
as possible; it still runs on the same cores as the server, which is the main limit on this machine.
Addresses come from ``--addresses`` (one per line, or CCKS ``id\\x01address`` lines; default: the CCKS
2021 test file in /work/shared if present, read at run time and never copied) or a built-in sample.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ADDRESSES = Path("/work/shared/data/ccks2021/final_test.txt")
SAMPLE = [
    "浙江省金华市义乌市稠城街道工人北路100号",
    "浙江省杭州市西湖区文三路90号东部软件园1号楼",
    "广东省广州市白云区太和镇大源北路38号",
    "浙江省金华市",
    "杭州市婺城区",
    "北京市朝阳区小关北里00号",
    "上海市浦东新区张江镇碧波路690号",
    "江苏省苏州市工业园区星湖街328号",
]


def load_addresses(path: Path | None, limit: int) -> list[str]:
    if path is None or not path.exists():
        return SAMPLE
    addresses = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            text = line.rstrip("\n").split("\x01", 1)[-1].strip()
            if text:
                addresses.append(text)
            if len(addresses) >= limit:
                break
    return addresses or SAMPLE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ---- a minimal keep-alive HTTP/1.1 client ----------------------------------------------------------


@dataclass
class Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 24)
        return cls(reader, writer)

    async def post(self, path: str, body: bytes, key: str) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        chunked = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readline()).strip(), 16)
            if size == 0:
                await self.reader.readline()
                return status, b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()

    def close(self) -> None:
        self.writer.close()


@dataclass
class SingleRun:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0


async def single_load(
    port: int, key: str, addresses: list[str], total: int, concurrency: int, max_seconds: float
) -> SingleRun:
    bodies = [json.dumps({"address": a}, ensure_ascii=False).encode() for a in addresses]
    run = SingleRun()
    counter = iter(range(total))
    deadline = time.perf_counter() + max_seconds

    async def worker() -> None:
        connection = await Connection.open(port)
        try:
            for index in counter:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                status, _ = await connection.post("/v1/addresses/validate", bodies[index % len(bodies)], key)
                run.latencies.append(time.perf_counter() - started)
                if status != 200:
                    run.errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.wall = time.perf_counter() - started
    return run


async def batch_load(
    port: int, key: str, addresses: list[str], batch_size: int, batches: int
) -> tuple[int, float, float, int]:
    """Batches over one connection, each followed by the library on the same addresses in this process.

    Alternating keeps both measures under the same machine load (other work on shared cores drifts).
    Result: (addresses validated, seconds in the endpoint, seconds in the library, failed requests).
    The endpoint's time runs from writing the request to reading the last byte of the response; the
    client's own JSON decoding of the response comes after and is not counted.
    """
    import addrcheck

    chunks = [addresses[i : i + batch_size] for i in range(0, len(addresses), batch_size)]
    chunks = [c for c in chunks if len(c) == batch_size] or [addresses[:batch_size]]
    connection = await Connection.open(port)
    done = errors = 0
    endpoint_seconds = library_seconds = 0.0
    try:
        for index in range(batches):
            chunk = chunks[index % len(chunks)]
            body = json.dumps({"addresses": chunk}, ensure_ascii=False).encode()
            started = time.perf_counter()
            status, payload = await connection.post("/v1/addresses/validate-batch", body, key)
            endpoint_seconds += time.perf_counter() - started
            results = json.loads(payload)["results"] if status == 200 else []
            errors += status != 200 or len(results) != len(chunk)
            done += len(results)
            started, cpu = time.perf_counter(), time.process_time()
            for text in chunk:
                addrcheck.validate(text)
            library_seconds += time.perf_counter() - started
            LIBRARY_CPU_SECONDS[0] += time.process_time() - cpu
    finally:
        connection.close()
    return done, endpoint_seconds, library_seconds, errors


# ---- the run -------------------------------------------------------------------------------------

LIBRARY_CPU_SECONDS = [0.0]  # CPU time of the library's own validations in batch_load
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants (Linux /proc).

    Unlike wall time this hardly moves with what else runs on the machine: per request, it says what
    the server costs, whoever else shares the cores.
    """
    found, total = [pid], 0.0
    for current in found:
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
                found.extend(int(child) for child in text.split())
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime
    return total


def cli(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "addrcheck.cli", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        url = f"http://127.0.0.1:{port}/readyz"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return time.perf_counter() - started
        time.sleep(0.1)
    raise RuntimeError("the server did not become ready")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="single validations (default 20000)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections for single validation")
    parser.add_argument("--max-seconds", type=float, default=60, help="stop the single phase after this")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--addresses", type=Path, default=DEFAULT_ADDRESSES)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    for name in ("requests", "concurrency", "workers", "batch_size", "batches"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    addresses = load_addresses(args.addresses, max(args.batch_size * args.batches, 5000))
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # run as a script, the repo root is not on the path
    import addrcheck

    addrcheck.validate(addresses[0])  # load the library's data before anything is timed
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="addrcheck-bench-") as tmp:
        env = dict(os.environ)
        env.update(
            ADDRCHECK_DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            ADDRCHECK_SETTINGS_FILE=str(Path(tmp) / "none.toml"),
            ADDRCHECK_MAX_BATCH_SIZE=str(max(1000, args.batch_size)),
            ADDRCHECK_MAX_BODY_BYTES=str(16 * 1024 * 1024),
        )
        key = cli("keys", "create", "--merchant", "bench", env=env).strip()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "addrcheck.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        try:
            ready_after = wait_ready(port, server)
            # warm every worker: enough requests that each one has loaded its data and parser
            asyncio.run(single_load(port, key, addresses, 400 * args.workers, 4, 60))
            server_cpu = tree_cpu_seconds(server.pid)
            single = asyncio.run(
                single_load(port, key, addresses, args.requests, args.concurrency, args.max_seconds)
            )
            server_cpu = tree_cpu_seconds(server.pid) - server_cpu
            batch_done, batch_seconds, library_seconds, batch_errors = asyncio.run(
                batch_load(port, key, addresses, args.batch_size, args.batches)
            )
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
            if server.poll() is None:
                server.kill()

    done = len(single.latencies)
    figures: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "server_workers": args.workers,
        "ready_after_s": round(ready_after, 2),
        "single": {
            "requests": done,
            "concurrency": args.concurrency,
            "errors": single.errors,
            "requests_per_s": round(done / single.wall, 1),
            "p50_ms": round(statistics.median(single.latencies) * 1000, 2),
            "p99_ms": round(percentile(single.latencies, 0.99) * 1000, 2),
            "max_ms": round(max(single.latencies) * 1000, 2),
        },
        "batch": {
            "addresses": batch_done,
            "batch_size": args.batch_size,
            "errors": batch_errors,
            "addresses_per_s": round(batch_done / batch_seconds, 1),
        },
        "library_addresses_per_s": round(batch_done / library_seconds, 1),
    }
    figures["batch"]["endpoint_over_library"] = round(batch_seconds / library_seconds, 2)
    # The measure: single requests/s against one process validating in a loop, same run.
    figures["single"]["over_library"] = round(done / single.wall / (batch_done / library_seconds), 3)
    # The same comparison in CPU time, which other jobs on shared cores move much less.
    figures["single"]["server_cpu_us_per_request"] = round(server_cpu / done * 1e6, 1)
    figures["library_cpu_us_per_address"] = round(LIBRARY_CPU_SECONDS[0] / batch_done * 1e6, 1)
    s, b = figures["single"], figures["batch"]
    cpus, workers = os.cpu_count(), args.workers
    rows = [
        (f"measure ({cpus} CPUs, {workers} server workers, client on the same CPUs)", "value"),
        ("---", "---"),
        (
            f"single validation, {s['concurrency']} connections, {s['requests']} requests",
            f"{s['requests_per_s']:,} req/s, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, "
            f"errors {s['errors']}",
        ),
        (
            f"batch endpoint, {b['batch_size']} per request, one connection",
            f"{b['addresses_per_s']:,} addresses/s (errors {b['errors']})",
        ),
        (
            "library `addrcheck.validate`, same addresses, one process",
            f"{figures['library_addresses_per_s']:,} addresses/s",
        ),
        ("batch endpoint time / library time", f"{b['endpoint_over_library']}x"),
        ("single validation requests/s / library addresses/s", f"{s['over_library']:.1%}"),
        (
            "CPU per single request (all server processes) / per library validation",
            f"{s['server_cpu_us_per_request']:,} µs / {figures['library_cpu_us_per_address']:,} µs",
        ),
    ]
    for label, value in rows:
        print(f"| {label} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if single.errors == 0 and batch_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
