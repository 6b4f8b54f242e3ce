"""The README's audit and check examples show what the commands print (issue 14, item 7): regenerate them
with ``python bench/readme_figures.py --write`` when the verdicts change."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _figures() -> object:
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "bench" / "readme_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_readme_audit_line_is_what_the_command_prints() -> None:
    figures = _figures()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [shown] = figures.AUDIT_LINE.findall(readme)  # type: ignore[attr-defined]
    printed = figures.audit_line()  # type: ignore[attr-defined]
    assert figures.without_time(shown) == figures.without_time(printed)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_readme_check_examples_are_what_the_command_prints() -> None:
    figures = _figures()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert figures.CHECK_EXAMPLE.search(readme) is not None  # type: ignore[attr-defined]
    assert figures.PIPE_EXAMPLE.search(readme) is not None  # type: ignore[attr-defined]
    assert figures.pipe_examples(figures.check_examples(readme)) == readme  # type: ignore[attr-defined]
