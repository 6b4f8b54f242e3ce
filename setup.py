"""Compile the parser's hot modules with mypyc; everything else is declared in pyproject.toml.

The parser is plain, strictly typed Python; mypyc (part of mypy) turns the modules below into C
extensions, which validates about twice as many addresses per second (bench/speed.py). The same
sources run unchanged without compiling: set ``ADDRCHECK_NO_COMPILE=1`` before installing, for a
platform without a C compiler or while editing these modules in an editable install (an in-place
extension shadows its ``.py``; ``tests/core/test_compiled.py`` fails when one is older than its source).

Not compiled: ``policy.py`` (mypyc's frozen dataclasses cannot be pickled without a ``__reduce__``,
which the result types in models.py have, and the audit workers pickle policies), and everything
outside the parse path.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup

COMPILED_MODULES = [
    "addrcheck/text.py",
    "addrcheck/contact.py",
    "addrcheck/villages.py",
    "addrcheck/gazetteer.py",
    "addrcheck/admin.py",
    "addrcheck/street.py",
    "addrcheck/messages.py",
    "addrcheck/models.py",
    "addrcheck/normalized.py",
    "addrcheck/community.py",
    "addrcheck/parse.py",
    "addrcheck/validate.py",
]

GROUP_NAME = "addrcheck"  # mypyc puts the compiled code of every module in one library, addrcheck__mypyc


def _remove_stale_extensions(root: Path) -> list[Path]:
    """Delete the extensions an earlier compiled editable install left next to the sources.

    An in-place extension shadows its ``.py``; after ``ADDRCHECK_NO_COMPILE=1 pip install -e .`` the
    shims stay while the new install no longer finds their shared library, and every ``addrcheck``
    command failed with "No module named 'addrcheck__mypyc'". Only the modules listed here and mypyc's
    shared library are removed.
    """
    stale: list[Path] = []
    for module in COMPILED_MODULES:
        source = root / module
        stale += [
            p for p in source.parent.glob(source.stem + ".*") if p.name.endswith(tuple(EXTENSION_SUFFIXES))
        ]
    stale += [p for p in root.glob(f"{GROUP_NAME}__mypyc.*") if p.name.endswith(tuple(EXTENSION_SUFFIXES))]
    for path in stale:
        path.unlink()
    return stale


def _extensions() -> list[object]:
    if os.environ.get("ADDRCHECK_NO_COMPILE", "").strip() not in ("", "0"):
        for path in _remove_stale_extensions(Path(__file__).resolve().parent):
            print(f"ADDRCHECK_NO_COMPILE: removed the stale compiled module {path.name}", file=sys.stderr)
        return []
    from mypyc.build import mypycify

    return list(mypycify(COMPILED_MODULES, opt_level="3", group_name=GROUP_NAME))


setup(ext_modules=_extensions())
