"""Shared test data for tests/warehouses (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "warehouses.example.toml"

# Two valid warehouses, six lines each: rules appended after them start on line 13.
YIWU = """\
[[warehouses]]
id = "yiwu"
name = "义乌主仓"
contact = "王建国"
phone = "0579-85551234"
address = "浙江省金华市义乌市稠城街道工人北路100号"
"""
HANGZHOU = """\
[[warehouses]]
id = "hz"
name = "杭州仓"
contact = "李敏"
phone = "13957112345"
address = "浙江省杭州市西湖区西溪街道文三路90号"
"""
GUANGZHOU = """\
[[warehouses]]
id = "gz"
name = "广州仓"
contact = "陈志强"
phone = "020-38881234"
address = "广东省广州市天河区天河南街道体育东路108号"
"""
