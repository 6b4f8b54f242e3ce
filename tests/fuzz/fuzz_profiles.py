"""Hypothesis settings of the fuzz targets: ``ci`` (default, bounded) or ``long`` (``HYPOTHESIS_PROFILE=long``).

``ci`` keeps the whole fuzz folder to well under a minute on a shared 2-core machine, derandomized so a
failure reproduces; ``long`` runs a hundred times more examples, randomized, for a session of hunting:

    HYPOTHESIS_PROFILE=long python -m pytest -q tests/fuzz

Each example must finish within ``deadline``: a slow input is a finding, like a crash. Every input a run
finds goes into ``REGRESSIONS`` of its target as an ``@example`` (see test_fuzz_*.py).
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=timedelta(seconds=2),
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.register_profile(
    "long",
    max_examples=6_000,
    deadline=timedelta(seconds=2),
    derandomize=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

PROFILE_NAME = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE_NAME))


def scaled(examples: int) -> settings:
    """``FUZZ`` with ``examples`` for ci (a target whose example is costly), scaled up as ``long`` is."""
    factor = 1 if PROFILE_NAME == "ci" else 100
    return settings(FUZZ, max_examples=examples * factor)
