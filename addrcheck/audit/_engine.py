"""The audit loop: read chunks, validate them in parallel, write them back in order, checkpoint.

The main process reads and writes; workers (a local process pool, or a Dask cluster through its
``concurrent.futures`` executor) only validate addresses. A bounded window of chunks is in flight,
so memory stays flat whatever the input size, and results are taken back strictly in input order.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from addrcheck._pool import cpu_count, start_pool
from addrcheck.audit._readers import ParquetReader, Reader, TextTableReader, XlsxReader, open_reader
from addrcheck.audit._report import render_report
from addrcheck.audit._summary import SummaryBuilder
from addrcheck.audit._types import AuditError, Chunk, Position, Verdict, unreadable_verdict
from addrcheck.audit._verdict import audit_addresses
from addrcheck.audit._writers import (
    JsonlWriter,
    ParquetWriter,
    TextTableWriter,
    Writer,
    XlsxWriter,
    output_format,
    spool_path,
)
from addrcheck.policy import PRESETS, Policy

DEFAULT_CHUNK_ROWS = 2000
DEFAULT_CACHE_SIZE = 100_000  # verdicts kept by the main process; about 60 MB at most
CHECKPOINT_VERSION = 1
# Loads the division tables in the parent before the pool forks, so workers share them copy-on-write.
_WARM_UP_ADDRESS = "浙江省金华市义乌市稠城街道工人北路100号"


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What ``run_audit`` does; the CLI fills it from its arguments.

    ``workers`` 0 means one per CPU; 1 runs in-process. ``progress`` None means "if stderr is a terminal".
    ``on_progress(rows_done, fraction_done)`` is called after every committed chunk and once at the end
    (audit jobs record it); an exception it raises stops the run with the checkpoint kept.
    """

    output: Path
    input: Path | None = None
    column: str | None = None
    policy: Policy = field(default_factory=lambda: PRESETS["default"])
    workers: int = 0
    resume: bool = False
    sql_url: str | None = None
    query: str | None = None
    engine: str = "local"
    scheduler: str | None = None
    report: Path | None = None
    summary: Path | None = None
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    cache_size: int = DEFAULT_CACHE_SIZE
    progress: bool | None = None
    on_progress: Callable[[int, float | None], None] | None = None


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".audit-checkpoint.json")


def _make_writer(fmt: str, reader: Reader, output: Path) -> Writer:
    from addrcheck.audit._encoding import output_encoding

    encoding = output_encoding(getattr(reader, "encoding", "utf-8"))
    if fmt in ("csv", "tsv"):
        if isinstance(reader, TextTableReader):
            delimiter, terminator = reader.delimiter, reader.lineterminator
        else:
            delimiter, terminator = ("\t" if fmt == "tsv" else ","), "\n"
        return TextTableWriter(output, reader.columns, encoding, delimiter, terminator)
    if fmt == "jsonl":
        return JsonlWriter(output, reader.columns, encoding)
    if fmt == "xlsx":
        title = reader.sheet_title if isinstance(reader, XlsxReader) else "audit"
        return XlsxWriter(output, reader.columns, title)
    schema = reader.schema if isinstance(reader, ParquetReader) else None
    return ParquetWriter(output, reader.columns, schema)


class _Checkpoint:
    """``OUTPUT.audit-checkpoint.json``: what was committed, replaced atomically after every chunk."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AuditError(
                f"{self.path}: unreadable checkpoint ({exc}); delete it to start over", code="BAD_CHECKPOINT"
            ) from exc
        return state

    def save(self, state: dict[str, Any]) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _make_executor(options: AuditOptions) -> tuple[Executor | None, int, Callable[[], None]]:
    """The executor, how many chunks to keep in flight, and how to shut it down."""
    if options.engine == "dask":
        if not options.scheduler:
            raise AuditError(
                "--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)", code="USAGE"
            )
        try:
            from distributed import Client
        except ImportError as exc:
            raise AuditError(
                "--engine dask needs the dask extra: pip install 'addrcheck[dask]'", code="USAGE"
            ) from exc
        try:
            client = Client(options.scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise AuditError(
                f"cannot reach the Dask scheduler at {options.scheduler}: {exc}", code="USAGE"
            ) from exc
        threads = sum(client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
        executor = client.get_executor(pure=False)  # type: ignore[no-untyped-call]
        return executor, 2 * threads + 1, client.close
    if options.engine != "local":
        raise AuditError(f"unknown engine {options.engine!r}; choose local or dask", code="USAGE")
    workers = options.workers or cpu_count()
    if workers <= 1:
        return None, 1, lambda: None
    audit_addresses([_WARM_UP_ADDRESS], options.policy)
    # Forked: workers start at once and share the loaded tables; nothing here has started a thread yet.
    pool = start_pool(workers)
    return pool, 2 * workers + 1, lambda: pool.shutdown(wait=True, cancel_futures=True)


class _VerdictCache:
    """Verdicts of recently seen addresses, least recently used dropped first.

    Saved-address tables repeat themselves (one merchant, many orders); the main process looks every
    address up here and sends workers only the ones it has not seen, each once per chunk.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Verdict] = OrderedDict()

    def get(self, address: str) -> Verdict | None:
        verdict = self.entries.get(address)
        if verdict is not None:
            self.entries.move_to_end(address)
        return verdict

    def put(self, address: str, verdict: Verdict) -> None:
        self.entries[address] = verdict
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


@dataclass(slots=True)
class _Pending:
    chunk: Chunk
    known: list[Verdict | None]  # from the cache, or None: to come from the job
    misses: list[str]  # distinct addresses sent to the workers
    job: Future[list[Verdict]] | list[Verdict]


def _submit(chunk: Chunk, cache: _VerdictCache | None, executor: Executor | None, policy: Policy) -> _Pending:
    known: list[Verdict | None]
    if cache is None:
        known = [None] * len(chunk.addresses)
        # Each distinct address once per chunk (dict.fromkeys keeps the first-seen order).
        distinct = [address for address in dict.fromkeys(chunk.addresses) if address is not None]
    else:
        known = []
        misses: dict[str, None] = {}
        for address in chunk.addresses:
            verdict = cache.get(address) if address is not None else None
            known.append(verdict)
            if verdict is None and address is not None:
                misses[address] = None
        distinct = list(misses)
    if executor is None:
        return _Pending(chunk, known, distinct, audit_addresses(distinct, policy))
    return _Pending(chunk, known, distinct, executor.submit(audit_addresses, distinct, policy))


def _collect(pending: _Pending, cache: _VerdictCache | None) -> list[Verdict]:
    results = pending.job if isinstance(pending.job, list) else pending.job.result()
    found = dict(zip(pending.misses, results, strict=True))
    if cache is not None:
        for address, verdict in found.items():
            cache.put(address, verdict)
    chunk = pending.chunk
    if not chunk.problems and not any(pending.known):  # no cache hit, no unreadable row
        return [found[text] for text in chunk.addresses]  # type: ignore[index]
    verdicts: list[Verdict] = []
    for index, known in enumerate(pending.known):
        text = chunk.addresses[index]
        if known is not None:
            verdicts.append(known)
        elif text is None:
            verdicts.append(unreadable_verdict(chunk.source, chunk.lines[index], chunk.problems[index]))
        else:
            verdicts.append(found[text])
    return verdicts


def _describe_policy(policy: Policy) -> dict[str, Any]:
    return asdict(policy)


def run_audit(options: AuditOptions) -> dict[str, Any]:
    """Audit every row of the input and write OUTPUT, plus the report and JSON summary if asked.

    Result: the JSON summary (also written to ``options.summary``). Errors: ``AuditError`` when the
    input cannot be read at all, the options conflict, or a checkpoint does not match this run.
    Caveat: on KeyboardInterrupt the checkpoint is kept and the exception propagates.
    """
    started = time.monotonic()
    reader = open_reader(options.input, column=options.column, sql_url=options.sql_url, query=options.query)
    fmt = output_format(reader.format, options.output)
    writer = _make_writer(fmt, reader, options.output)
    checkpoint = _Checkpoint(checkpoint_path(options.output))
    settings = {
        "version": CHECKPOINT_VERSION,
        "input": reader.fingerprint(),
        "policy": _describe_policy(options.policy),
        "format": fmt,
    }
    state = checkpoint.load()
    start: Position | None = None
    summary = SummaryBuilder()
    resumed_from = 0
    complete = False
    if state is not None:
        if not options.resume:
            raise AuditError(
                f"an interrupted run of this output exists ({state.get('rows_done', 0):,} rows done): "
                f"add --resume to continue it, or delete {checkpoint.path} to start over",
                code="INTERRUPTED_RUN",
            )
        if state.get("settings") != settings:
            raise AuditError(
                f"{checkpoint.path} belongs to a run with another input, policy or format; "
                "delete it to start over",
                code="BAD_CHECKPOINT",
            )
        start = state["position"]
        summary = SummaryBuilder.from_state(state["summary"])
        resumed_from = summary.rows_in
        complete = bool(state.get("complete"))
    elif options.resume:
        print(
            f"addrcheck audit: no checkpoint at {checkpoint.path}; starting from the beginning",
            file=sys.stderr,
        )

    from addrcheck.audit._progress import Progress

    progress = Progress(options.progress, start_rows=summary.rows_in)
    spool = spool_path(options.output, fmt)
    writer_done = complete and spool is not None and not spool.exists()
    if not writer_done:
        writer.open(state["output_offset"] if state is not None else None)

    def save(position: Position | None, done: bool) -> None:
        checkpoint.save(
            {
                "settings": settings,
                "position": position,
                "output_offset": writer.offset(),
                "rows_done": summary.rows_in,
                "complete": done,
                "summary": summary.to_state(),
            }
        )

    if state is None:
        save(None, False)
    executor, window, shutdown = (None, 1, lambda: None) if complete else _make_executor(options)
    local_workers = options.workers or cpu_count()
    workers = local_workers if options.engine == "local" else window // 2
    try:
        if not complete:
            pending: deque[_Pending] = deque()
            cache = _VerdictCache(options.cache_size) if options.cache_size > 0 else None
            last_position = start

            def commit() -> None:
                nonlocal last_position
                item = pending.popleft()
                chunk = item.chunk
                verdicts = _collect(item, cache)
                written = writer.write(chunk, verdicts)
                summary.add(chunk, verdicts, written)
                last_position = chunk.end
                save(chunk.end, False)
                progress.update(summary.rows_in, reader.fraction_done(chunk.end))
                if options.on_progress is not None:
                    options.on_progress(summary.rows_in, reader.fraction_done(chunk.end))

            for chunk in reader.chunks(options.chunk_rows, start):
                pending.append(_submit(chunk, cache, executor, options.policy))
                while len(pending) >= window:
                    commit()
            while pending:
                commit()
            save(last_position, True)
        progress.update(summary.rows_in, 1.0 if summary.rows_in else None, final=True)
        if options.on_progress is not None:
            options.on_progress(summary.rows_in, 1.0)
    finally:
        shutdown()
        if not writer_done:
            writer.close()
    if not writer_done:
        writer.finish()

    from addrcheck import __version__, data_version

    result: dict[str, Any] = {
        "version": __version__,
        "data_vintage": data_version().get("vintage"),
        "input": reader.describe(),
        "output": str(options.output),
        "output_format": fmt,
        "policy": options.policy.name,
        "engine": options.engine,
        "workers": workers,
        "resumed_from_row": resumed_from,
        "elapsed_seconds": round(time.monotonic() - started, 3),
        **summary.result(),
    }
    result["all_ok"] = summary.all_ok
    if options.summary is not None:
        options.summary.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if options.report is not None:
        options.report.write_text(render_report(result), encoding="utf-8")
    checkpoint.remove()
    return result
