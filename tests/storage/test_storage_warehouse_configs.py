"""Merchants' stored warehouse configurations: validated before writing, history kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from addrcheck import ConfigError
from addrcheck.storage import (
    get_active_warehouse_config,
    list_warehouse_configs,
    save_warehouse_config,
    session_scope,
)

EXAMPLE = (Path(__file__).resolve().parents[2] / "data" / "warehouses.example.toml").read_text(
    encoding="utf-8"
)


def test_save_replace_and_reject(engine: Engine) -> None:
    assert get_active_warehouse_config(engine, "m1") is None
    first = save_warehouse_config(engine, "m1", EXAMPLE, "toml")
    assert (first.active, first.format, list(first.config.warehouses)) == (
        True,
        "toml",
        ["yiwu", "hangzhou", "guangzhou"],
    )
    assert save_warehouse_config(engine, "m1", EXAMPLE, "toml").id == first.id  # same text: no new version

    changed = EXAMPLE.replace('default = "yiwu"', 'default = "hangzhou"')
    second = save_warehouse_config(engine, "m1", changed, "toml")
    assert second.config_hash != first.config_hash

    broken = EXAMPLE.replace("13957112345", "12345")
    with pytest.raises(ConfigError) as caught:
        save_warehouse_config(engine, "m1", broken, "toml")
    assert [p.code for p in caught.value.problems] == ["INVALID_PHONE"]  # type: ignore[attr-defined]

    active = get_active_warehouse_config(engine, "m1")
    assert active is not None and (active.id, active.config_hash) == (second.id, second.config_hash)
    assert [
        (row_id, active_flag)
        for row_id, _hash, _fmt, _at, active_flag in list_warehouse_configs(engine, "m1")
    ] == [
        (first.id, False),
        (second.id, True),
    ]
    assert get_active_warehouse_config(engine, "m2") is None


def test_save_inside_the_callers_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as session:
        save_warehouse_config(session, "m1", EXAMPLE, "toml")
        raise RuntimeError("the caller fails after saving")
    assert get_active_warehouse_config(engine, "m1") is None
    with session_scope(engine, write=True) as session:
        saved = save_warehouse_config(session, "m1", EXAMPLE, "toml")
    assert get_active_warehouse_config(engine, "m1") is not None
    assert saved.config.config_hash == get_active_warehouse_config(engine, "m1").config_hash  # type: ignore[union-attr]
