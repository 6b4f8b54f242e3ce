"""A one-line progress display on stderr: rows, percent, rate, ETA. Silent unless stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REFRESH_SECONDS = 0.25


class Progress:
    def __init__(
        self, enabled: bool | None = None, stream: TextIO | None = None, start_rows: int = 0
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.start_rows = start_rows
        self.start_fraction: float | None = None
        self.shown = 0.0

    def update(self, rows: int, fraction: float | None, *, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.shown < REFRESH_SECONDS:
            return
        self.shown = now
        if self.start_fraction is None:
            self.start_fraction = fraction
        elapsed = max(now - self.started, 1e-9)
        rate = (rows - self.start_rows) / elapsed
        line = f"{rows:,} rows  {rate:,.0f} rows/s"
        if fraction is not None:
            line = f"{rows:,} rows  {100 * fraction:5.1f}%  {rate:,.0f} rows/s"
            done_here = fraction - (self.start_fraction or 0.0)
            if done_here > 0 and fraction < 1:
                remaining = elapsed * (1 - fraction) / done_here
                line += f"  ETA {int(remaining // 60)}:{int(remaining % 60):02d}"
        self.stream.write("\r" + line.ljust(60))
        if final:
            self.stream.write("\n")
        self.stream.flush()
