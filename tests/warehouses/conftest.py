from __future__ import annotations

import pytest
from wh_fixtures import EXAMPLE

from addrcheck.warehouses import WarehouseConfig, load_config


@pytest.fixture(scope="session")
def example_config() -> WarehouseConfig:
    return load_config(EXAMPLE)
