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

from setuptools import setup

COMPILED_MODULES = [
    "addrcheck/text.py",
    "addrcheck/contact.py",
    "addrcheck/gazetteer.py",
    "addrcheck/admin.py",
    "addrcheck/street.py",
    "addrcheck/messages.py",
    "addrcheck/models.py",
    "addrcheck/normalized.py",
    "addrcheck/parse.py",
    "addrcheck/validate.py",
]


def _extensions() -> list[object]:
    if os.environ.get("ADDRCHECK_NO_COMPILE", "").strip() not in ("", "0"):
        return []
    from mypyc.build import mypycify

    return list(mypycify(COMPILED_MODULES, opt_level="3", group_name="addrcheck"))


setup(ext_modules=_extensions())
