"""``addrcheck warehouses check``, ``route`` and ``ledger show`` as real processes on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from wh_fixtures import EXAMPLE, ROOT, YIWU

ORDER = {
    "order_id": "TB-20240601-0001",
    "shop": "taobao-main",
    "buyer_address": "广东省深圳市南山区粤海街道科技园路1号",
    "items": [
        {"sku": "YW-1001", "qty": 2},
        {"sku": "CLOTH-T01", "qty": 1},
        {"sku": "X-9", "qty": 1, "category": "数码"},
    ],
}


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADDRCHECK_")}
    environment.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "addrcheck.cli", *args],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_valid_file(tmp_path: Path) -> None:
    done = cli("warehouses", "check", str(EXAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{EXAMPLE}: valid: 3 warehouses, 6 rules, default yiwu; config hash ")
    as_json = json.loads(cli("warehouses", "check", "--json", str(EXAMPLE), cwd=tmp_path).stdout)
    assert (as_json["valid"], [w["id"] for w in as_json["warehouses"]]) == (
        True,
        ["yiwu", "hangzhou", "guangzhou"],
    )


def test_check_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        YIWU.replace("0579-85551234", "12345") + '[[rules]]\nwarehouse = "sh"\nsku = "A"\n', encoding="utf-8"
    )
    done = cli("warehouses", "check", str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f'{bad}:5: INVALID_PHONE: warehouse "yiwu": phone "12345" is not a valid phone number; '
        "give a mainland mobile or a landline with its area code",
        f'{bad}:8: UNKNOWN_WAREHOUSE: rule "rule-1" points at warehouse "sh", which is not defined',
        f"{bad}: invalid (2 problems)",
    ]
    as_json = json.loads(cli("warehouses", "check", "--json", str(bad), cwd=tmp_path).stdout)
    assert [(p["code"], p["line"]) for p in as_json["problems"]] == [
        ("INVALID_PHONE", 5),
        ("UNKNOWN_WAREHOUSE", 8),
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("warehouses", "check", "missing.toml"), 2),
        (("warehouses", "check", "w.ini"), 2),
        (("warehouses",), 2),
    ],
)
def test_check_usage_errors(tmp_path: Path, args: tuple[str, ...], code: int) -> None:
    (tmp_path / "w.ini").write_text("", encoding="utf-8")
    assert cli(*args, cwd=tmp_path).returncode == code


def route(
    tmp_path: Path, config: Path, order: dict[str, Any], *extra: str
) -> subprocess.CompletedProcess[str]:
    order_file = tmp_path / "order.json"
    order_file.write_text(json.dumps(order, ensure_ascii=False), encoding="utf-8")
    return cli("route", "--config", str(config), *extra, str(order_file), cwd=tmp_path)


@pytest.mark.slow
def test_route_records_and_replays_and_recomputes(tmp_path: Path) -> None:
    first = route(tmp_path, EXAMPLE, ORDER)
    assert first.returncode == 0, first.stderr
    decided = json.loads(first.stdout)
    assert (decided["created"], decided["revision"], decided["merchant_id"]) == (True, 1, "local")
    assert (tmp_path / "var" / "addrcheck.sqlite3").is_file()  # the default database, relative to the cwd
    assert [
        (s["warehouse_id"], s["return_address"], s["items"]) for s in decided["decision"]["shipments"]
    ] == [
        ("yiwu", "浙江省金华市义乌市稠城街道工人北路100号", [0]),
        ("guangzhou", "广东省广州市天河区天河南街道体育东路108号", [1, 2]),
    ]

    again = json.loads(route(tmp_path, EXAMPLE, ORDER).stdout)
    assert again["created"] is False
    assert {k: v for k, v in again.items() if k != "created"} == {
        k: v for k, v in decided.items() if k != "created"
    }

    changed = tmp_path / "changed.toml"
    changed.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('prefix = "YW-"', 'prefix = "YW"'), encoding="utf-8"
    )
    unchanged = json.loads(route(tmp_path, changed, ORDER).stdout)
    assert (unchanged["created"], unchanged["revision"]) == (False, 1)
    recomputed = json.loads(route(tmp_path, changed, ORDER, "--recompute").stdout)
    assert (recomputed["created"], recomputed["revision"]) == (True, 2)
    assert recomputed["config_hash"] != decided["config_hash"]

    shown = cli("ledger", "show", "TB-20240601-0001", cwd=tmp_path)
    assert shown.returncode == 0
    ledger = json.loads(shown.stdout)
    assert [(e["revision"], e["config_hash"]) for e in ledger["history"]] == [
        (1, decided["config_hash"]),
        (2, recomputed["config_hash"]),
    ]
    assert ledger["current"]["revision"] == 2
    assert cli("ledger", "show", "TB-20240601-0001", "--merchant", "other", cwd=tmp_path).returncode == 1


@pytest.mark.slow
def test_route_errors(tmp_path: Path) -> None:
    no_default = tmp_path / "w.toml"
    no_default.write_text(YIWU + '[[rules]]\nwarehouse = "yiwu"\nsku_prefix = "YW-"\n', encoding="utf-8")
    unroutable = route(
        tmp_path, no_default, {"order_id": "1", "shop": "s", "items": [{"sku": "Q", "qty": 1}]}
    )
    assert unroutable.returncode == 1
    assert json.loads(unroutable.stdout)["error"]["code"] == "NO_WAREHOUSE_FOR_SKU"
    assert route(tmp_path, no_default, {"order_id": "1", "shop": "s", "items": []}).returncode == 1
    broken = tmp_path / "broken.toml"
    broken.write_text(YIWU.replace("0579-85551234", "1"), encoding="utf-8")
    assert route(tmp_path, broken, ORDER).returncode == 2
    (tmp_path / "not.json").write_text("{", encoding="utf-8")
    assert cli("route", "--config", str(EXAMPLE), "not.json", cwd=tmp_path).returncode == 2
    assert cli("ledger", "show", "never", cwd=tmp_path).returncode == 1


@pytest.mark.slow
def test_route_reads_stdin_and_honours_the_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'ledger.db'}"
    done = cli(
        "route",
        "--config",
        str(EXAMPLE),
        "--merchant",
        "shop-9",
        "-",
        cwd=tmp_path,
        env={"ADDRCHECK_DATABASE_URL": url},
        stdin=json.dumps(ORDER),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["merchant_id"] == "shop-9"
    assert (tmp_path / "elsewhere" / "ledger.db").is_file() and not (tmp_path / "var").exists()


@pytest.mark.slow
def test_concurrent_cli_routes_on_a_fresh_database(tmp_path: Path) -> None:
    order_file = tmp_path / "order.json"
    order_file.write_text(json.dumps(ORDER), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADDRCHECK_")}
    environment["PYTHONPATH"] = str(ROOT)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "addrcheck.cli", "route", "--config", str(EXAMPLE), str(order_file)],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    # Every process is waited for (and its pipes closed) before any is judged.
    finished = [process.communicate(timeout=120) for process in processes]
    outputs = []
    for process, (out, err) in zip(processes, finished, strict=True):
        assert process.returncode == 0, err
        outputs.append(json.loads(out))
    assert sum(o["created"] for o in outputs) == 1
    assert len({o["decided_at"] for o in outputs}) == 1
