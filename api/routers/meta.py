"""Health, readiness and ``/v1/meta`` (version, data vintage, limits); none of them needs a key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import addrcheck
from api.deps import EngineDep, SettingsDep
from api.errors import JsonResponse, error_response
from api.schemas import ErrorOut, HealthOut, MetaOut, ReadyOut

router = APIRouter(tags=["meta"])


@router.get("/healthz", response_model=HealthOut, summary="The process is up")
async def healthz() -> Response:
    return JsonResponse({"status": "ok"})


def _database_reachable(engine: Any) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Ready to serve: division data loaded and database reachable",
    responses={503: {"model": ErrorOut, "description": "Not ready yet (detail: the checks)"}},
)
async def readyz(request: Request, engine: EngineDep) -> Response:
    warmup = request.app.state.warmup
    checks = {"divisions": warmup.done.is_set() and warmup.error is None}
    checks["database"] = await run_in_threadpool(_database_reachable, engine)
    if all(checks.values()):
        return JsonResponse({"status": "ready", "checks": checks})
    detail: dict[str, Any] = {"checks": checks}
    if warmup.error is not None:
        detail["divisions_error"] = warmup.error
    return error_response(503, "NOT_READY", "The service is not ready yet.", detail)


@router.get("/v1/meta", response_model=MetaOut, summary="Version, division data vintage and limits")
def meta(settings: SettingsDep) -> Response:
    return JsonResponse(
        {
            "name": "addrcheck",
            "version": addrcheck.__version__,
            "api_version": "v1",
            "data": addrcheck.data_version(),
            "policies": sorted(addrcheck.PRESETS),
            "max_batch_size": settings.max_batch_size,
            "max_body_bytes": settings.max_body_bytes,
        }
    )
