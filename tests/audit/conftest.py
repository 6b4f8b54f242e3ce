from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# The examples the core contract pins, with their statuses; other rows are checked against validate().
CONTRACT_ROWS: list[tuple[str, str]] = [
    ("浙江省金华市义乌市稠城街道工人北路100号", "ok"),
    ("浙江省金华市", "vague"),
    ("杭州市婺城区", "inconsistent"),
    ("", "invalid"),
]
ADDRESSES = [address for address, _ in CONTRACT_ROWS]


def core_files_state() -> dict[str, int]:
    """Modification times of the validator's code and data (everything but the audit package)."""
    package = REPO_ROOT / "addrcheck"
    return {
        str(path): path.stat().st_mtime_ns
        for path in sorted(package.rglob("*"))
        if path.is_file()
        and "audit" not in path.relative_to(package).parts
        and "__pycache__" not in path.parts
    }


def skip_if_core_changed(before: dict[str, int]) -> None:
    """Comparisons across processes assume every process ran the same validator.

    In a working tree shared with engineers editing the core, that can break mid-test; then the
    comparison means nothing, so the test is skipped rather than failed. In CI nothing changes.
    """
    if core_files_state() != before:
        pytest.skip("the validator's code or data changed while this test ran")


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``addrcheck audit ARGS`` as a real process in tmp_path."""

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "addrcheck", "audit", *args],
            cwd=tmp_path,
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
