"""``ADDRCHECK_NO_COMPILE=1`` after a compiled editable install removes the stale in-place extensions
(issue 14, item 7: every command then failed with "No module named 'addrcheck__mypyc'")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SUFFIX = EXTENSION_SUFFIXES[0]  # ".cpython-311-x86_64-linux-gnu.so" here


# setup.py's top level as a build runs it, with setuptools' setup() itself left out (it would build)
RUN_SETUP = "import runpy, setuptools; setuptools.setup = lambda **kw: None; runpy.run_path('setup.py')"


def run_setup(tree: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_SETUP],
        cwd=tree,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copy(REPO_ROOT / "setup.py", tmp_path / "setup.py")
    (tmp_path / "addrcheck").mkdir()
    for name in (f"parse{SUFFIX}", f"text{SUFFIX}", "parse.py", f"unrelated{SUFFIX}"):
        (tmp_path / "addrcheck" / name).write_bytes(b"")
    (tmp_path / f"addrcheck__mypyc{SUFFIX}").write_bytes(b"")
    return tmp_path


def test_no_compile_removes_only_the_stale_extensions(tree: Path) -> None:
    result = run_setup(tree, ADDRCHECK_NO_COMPILE="1")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tree / "addrcheck").iterdir()) == ["parse.py", f"unrelated{SUFFIX}"]
    assert not (tree / f"addrcheck__mypyc{SUFFIX}").exists()
    removed = sorted(line.rsplit(" ", 1)[1] for line in result.stderr.splitlines() if "removed" in line)
    assert removed == sorted([f"addrcheck__mypyc{SUFFIX}", f"parse{SUFFIX}", f"text{SUFFIX}"])
