"""The FastAPI application: ``create_app(settings)`` builds it; ``app`` is built on first access.

``uvicorn api.main:app`` (or ``addrcheck serve``) serves the app with the process settings; tests call
``create_app(Settings(database_url=...))``. The database schema is not created here: ``addrcheck serve``
migrates it before starting (``addrcheck.storage.engine.upgrade_database``).

On start-up a background thread loads the division data and warms the parser; ``/readyz`` answers 503
until it is done, while ``/healthz`` answers at once. Each server process also runs an audit worker
(``settings.audit_worker_threads`` threads) that claims queued audit jobs from the database.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

import addrcheck
from addrcheck import gazetteer
from addrcheck.audit.jobs import AuditWorker
from addrcheck.settings import Settings, get_settings
from addrcheck.storage.engine import make_engine
from api.console import install_console
from api.deps import KeyCache
from api.errors import BodySizeLimitMiddleware, JsonResponse, install_error_handlers
from api.fast_path import SingleValidationFastPath
from api.routers import addresses, audits, divisions, meta, orders, warehouses

WARMUP_ADDRESS = "浙江省金华市义乌市稠城街道工人北路100号"


class Warmup:
    """Loads the division data and runs one validation, in a background thread, once."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="addrcheck-warmup", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            gazetteer.children(None)
            addrcheck.validate(WARMUP_ADDRESS)
        except Exception:
            self.error = traceback.format_exc(limit=3)
        finally:
            self.done.set()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.warmup.start()
    app.state.audit_worker.start()
    try:
        yield
    finally:
        app.state.audit_worker.stop()
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application.

    Args:
        settings: limits, database URL and so on; default ``addrcheck.settings.get_settings()``.
    Result: a FastAPI app holding its own database engine (disposed on shutdown) and key cache.
    Caveat: the database must already have the schema (``upgrade_database``).
    """
    settings = settings if settings is not None else get_settings()
    app = FastAPI(
        title="addrcheck",
        version=addrcheck.__version__,
        summary="Validate and normalise Chinese return addresses; route orders to return warehouses.",
        description=(
            "Every /v1 endpoint except /v1/meta needs an API key (`Authorization: Bearer <key>`). "
            'Errors come as `{"error": {"code", "message", "detail"}}` with stable codes.'
        ),
        lifespan=lifespan,
        default_response_class=JsonResponse,
        docs_url=None,  # served by install_console with local Swagger UI assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.key_cache = KeyCache(settings.auth_cache_seconds)
    app.state.warmup = Warmup()
    app.state.audit_worker = AuditWorker(app.state.engine, settings)  # runs queued audit jobs
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, streamed_paths=audits.STREAMED_PATHS
    )
    app.add_middleware(SingleValidationFastPath)  # outermost: the hot request skips routing (api.fast_path)
    for module in (meta, addresses, divisions, warehouses, orders, audits):
        app.include_router(module.router)
    install_console(app, settings)
    return app


_app: FastAPI | None = None
_app_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    # ``app`` is built on first access rather than at import: building it reads the settings and
    # opens a database engine, which importing a module should not do.
    global _app
    if name == "app":
        with _app_lock:
            if _app is None:
                _app = create_app()
            return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
