"""The mypyc build: every hot module is compiled (unless the install opted out), and no compiled module is
older than its source, which it would silently shadow in an editable install."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _compiled_modules() -> list[str]:
    """The module names setup.py compiles, read from setup.py itself (it is not importable as a module)."""
    source = (REPO_ROOT / "setup.py").read_text(encoding="utf-8")
    block = source.split("COMPILED_MODULES = [", 1)[1].split("]", 1)[0]
    paths = [line.strip().strip('",') for line in block.splitlines() if line.strip()]
    return [path.removesuffix(".py").replace("/", ".") for path in paths]


MODULES = _compiled_modules()
OPTED_OUT = os.environ.get("ADDRCHECK_NO_COMPILE", "").strip() not in ("", "0")


def _is_extension(path: str) -> bool:
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def test_setup_lists_the_parse_path() -> None:
    assert {"addrcheck.admin", "addrcheck.street", "addrcheck.parse", "addrcheck.validate"} <= set(MODULES)


@pytest.mark.skipif(OPTED_OUT, reason="installed with ADDRCHECK_NO_COMPILE=1")
@pytest.mark.parametrize("name", MODULES)
def test_module_is_compiled(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert _is_extension(module.__file__), f"{name} runs as pure Python: reinstall with `pip install -e .`"


@pytest.mark.parametrize("name", MODULES)
def test_compiled_module_is_not_stale(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    if not _is_extension(module.__file__):
        return
    source = REPO_ROOT / (name.replace(".", "/") + ".py")
    if not source.exists():  # an installed wheel ships no sources to compare with
        return
    # The per-module extension is a thin shim (rebuilt only when it changes); the compiled code of all
    # modules lives in one shared library, addrcheck__mypyc, rebuilt on every build.
    shared = importlib.util.find_spec("addrcheck__mypyc")
    built = max(
        Path(module.__file__).stat().st_mtime,
        Path(shared.origin).stat().st_mtime if shared is not None and shared.origin else 0.0,
    )
    assert built >= source.stat().st_mtime, (
        f"{module.__file__} is older than {source}: the edit is not running; reinstall with `pip install -e .`"
    )


@pytest.mark.parametrize(
    "address", ["浙江省杭州市西湖区文三路90号 张三 13800138000", "朝阳区", "杭州市婺城区"]
)
def test_results_pickle_and_copy(address: str) -> None:
    """Audit workers and users' own multiprocessing pickle results; compiled frozen classes need __reduce__."""
    import copy
    import pickle

    import addrcheck

    for result in (addrcheck.validate(address), addrcheck.parse(address)):
        assert pickle.loads(pickle.dumps(result)) == result
        assert copy.deepcopy(result) == result


def test_written_constructors_match_the_fields() -> None:
    """models.py writes its constructors out for speed; each must take exactly the dataclass fields, with
    the same defaults, and set every one (read from the source: a compiled __init__ has no signature)."""
    import ast

    tree = ast.parse((REPO_ROOT / "addrcheck" / "models.py").read_text(encoding="utf-8"))
    checked = 0
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        fields = [
            (item.target.id, ast.dump(item.value) if item.value else None)
            for item in cls.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        ]
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        if not fields or init is None:
            continue
        arguments = init.args.args[1:]
        defaults = [None] * (len(arguments) - len(init.args.defaults)) + [
            ast.dump(d) for d in init.args.defaults
        ]
        assert [(a.arg, d) for a, d in zip(arguments, defaults, strict=True)] == fields, cls.name
        assigned = [
            call.args[1].value
            for call in ast.walk(init)
            if isinstance(call, ast.Call) and isinstance(call.args[1:2] and call.args[1], ast.Constant)
        ]
        assert assigned == [name for name, _ in fields], cls.name
        checked += 1
    assert checked >= 6
