"""``/v1/audits``: upload a file to audit, follow its progress, download the audited file and the report.

The upload is streamed to the job's folder (``settings.audit_data_dir/<merchant>/<id>/``) with the
size capped by ``settings.max_upload_bytes`` while it arrives, opened once as the audit engine will
open it (format, encoding, address column: a bad file is refused here with 422), and queued; a worker
(``addrcheck.audit.jobs.AuditWorker``, started with the app) runs it outside the request. Jobs belong
to the merchant owning the API key: another merchant's job is answered 404, like an unknown id.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncGenerator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import FileResponse, Response

from addrcheck.audit._encoding import output_encoding
from addrcheck.audit._readers import FORMAT_BY_SUFFIX, XlsxReader, open_reader
from addrcheck.audit._types import AuditError
from addrcheck.audit.jobs import (
    DONE,
    FAILED,
    AuditJob,
    JobFiles,
    create_job,
    get_job,
    job_files,
    list_jobs,
    new_job_id,
    public_message,
)
from addrcheck.policy import PRESETS
from addrcheck.settings import Settings
from api.deps import EngineDep, MerchantDep, SettingsDep
from api.errors import ApiError, JsonResponse
from api.schemas import ERROR_RESPONSES, AuditJobListOut, AuditJobOut, ErrorOut

router = APIRouter(prefix="/v1/audits", tags=["audits"], responses=ERROR_RESPONSES)

# Routes whose handler reads and limits the body itself (BodySizeLimitMiddleware lets them through).
STREAMED_PATHS = frozenset({"/v1/audits"})
FILENAME_LENGTH = 255
COPY_BUFFER_BYTES = 1 << 20

MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
TEXT_FORMATS = frozenset({"csv", "tsv", "jsonl"})
SUMMARY_KEYS = (
    "rows_in",
    "rows_out",
    "rows_in_equals_rows_out",
    "resumed_from_row",
    "blank_lines_skipped",
    "by_status",
    "by_reason",
)


def job_to_dict(job: AuditJob) -> dict[str, Any]:
    error = {"code": job.error_code, "message": job.error_message} if job.status == FAILED else None
    summary = {key: job.summary[key] for key in SUMMARY_KEYS if key in job.summary} if job.summary else None
    return {
        "id": job.id,
        "status": job.status,
        "filename": job.filename,
        "format": job.format,
        "encoding": job.encoding,
        "column": job.column,
        "policy": job.policy,
        "upload_bytes": job.upload_bytes,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "rate": job.rate,
        "eta_seconds": job.eta_seconds,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "attempts": job.attempts,
        "error": error,
        "summary": summary,
        "links": {
            "self": f"/v1/audits/{job.id}",
            "result": f"/v1/audits/{job.id}/result",
            "report": f"/v1/audits/{job.id}/report",
        },
    }


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "UPLOAD_TOO_LARGE",
        f"The upload is larger than {limit} bytes; split the file or ask for a higher limit.",
        {"max_upload_bytes": limit},
    )


def _invalid_upload(message: str) -> ApiError:
    return ApiError(422, "INVALID_UPLOAD", message)


async def _limited(stream: AsyncGenerator[bytes, None], limit: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        yield chunk


def _plain_filename(name: str | None) -> str:
    # Browsers send a bare name; some clients send a path (C:\\Users\\...): keep only the last part.
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip()
    base = "".join(char for char in base if char.isprintable())
    return base[-FILENAME_LENGTH:] or "upload"


def _store_and_inspect(upload: UploadFile, files: JobFiles, column: str | None) -> tuple[int, Any]:
    """Copy the upload into the job folder and open it as the engine will; the folder goes on error."""
    files.folder.mkdir(parents=True, exist_ok=False)
    try:
        upload.file.seek(0)
        with files.input.open("wb") as target:
            shutil.copyfileobj(upload.file, target, COPY_BUFFER_BYTES)
        size = files.input.stat().st_size
        if size == 0:
            raise AuditError("the file is empty", code="EMPTY_UPLOAD")
        reader = open_reader(files.input, column=column, sql_url=None, query=None)
        if getattr(reader, "empty", False):
            raise AuditError("the file has no header row and no data", code="EMPTY_UPLOAD")
        return size, reader
    except BaseException:
        shutil.rmtree(files.folder, ignore_errors=True)
        raise


@router.post(
    "",
    status_code=202,
    response_model=AuditJobOut,
    summary="Upload a file to audit (multipart: file, column, policy)",
    responses={
        413: {"model": ErrorOut, "description": "The upload is over max_upload_bytes"},
        422: {"model": ErrorOut, "description": "Not a readable CSV/TSV/XLSX/JSONL/Parquet file"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "column": {"type": "string", "description": "address column; detected if unset"},
                            "policy": {"type": "string", "enum": sorted(PRESETS)},
                        },
                    }
                }
            },
        }
    },
)
async def create_audit(
    request: Request, merchant: MerchantDep, engine: EngineDep, settings: SettingsDep
) -> Response:
    """Queue an audit of the uploaded file; poll ``GET /v1/audits/{id}`` until ``done`` or ``failed``.

    The file is CSV, TSV, XLSX, JSONL or Parquet, named by its suffix; CSV/TSV/JSONL in UTF-8 (with or
    without BOM) or GBK/GB18030. Refused at once (422): an unknown suffix (UNKNOWN_FORMAT), a binary or
    undecodable file (BINARY_INPUT, UNKNOWN_ENCODING...), no address column (NO_ADDRESS_COLUMN), an
    empty file (EMPTY_UPLOAD), a broken workbook (UNREADABLE_INPUT). Over ``max_upload_bytes``: 413.
    """
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise _invalid_upload("Send the file as multipart/form-data, in a field named 'file'.")
    parser = MultiPartParser(request.headers, _limited(request.stream(), limit), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise _invalid_upload(f"The multipart body cannot be read: {exc.message}") from exc
    try:
        return await _queue(form, merchant.id, engine, settings)
    finally:
        await form.close()


async def _queue(form: Any, merchant_id: str, engine: Any, settings: Settings) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise _invalid_upload("The form has no file in a field named 'file'.")
    column = form.get("column")
    policy = form.get("policy")
    if not isinstance(column, str | None) or not isinstance(policy, str | None):
        raise _invalid_upload("'column' and 'policy' are text fields.")
    column = column.strip() or None if column is not None else None
    policy = policy.strip() if policy else (settings.policy if settings.policy in PRESETS else "default")
    if policy not in PRESETS:
        raise ApiError(
            422, "UNKNOWN_POLICY", f"Unknown policy {policy!r}; choose one of {', '.join(sorted(PRESETS))}."
        )
    filename = _plain_filename(upload.filename)
    fmt = FORMAT_BY_SUFFIX.get(Path(filename).suffix.lower())
    if fmt is None:
        raise ApiError(
            422,
            "UNKNOWN_FORMAT",
            f"{filename}: unknown file type; upload a .csv, .tsv, .xlsx, .jsonl or .parquet file.",
            {"suffixes": sorted(FORMAT_BY_SUFFIX)},
        )
    job_id = new_job_id()
    files = job_files(settings.audit_data_dir, merchant_id, job_id, fmt)
    try:
        size, reader = await run_in_threadpool(_store_and_inspect, upload, files, column)
    except AuditError as exc:
        raise ApiError(422, exc.code, public_message(exc.message, files, filename)) from exc
    rows_total = max(reader.total_rows - 1, 0) if isinstance(reader, XlsxReader) else None
    job = await run_in_threadpool(
        create_job,
        engine,
        merchant_id,
        job_id=job_id,
        filename=filename,
        fmt=fmt,
        encoding=getattr(reader, "encoding", None) if fmt in TEXT_FORMATS else None,
        column=reader.address_column,
        policy=policy,
        upload_bytes=size,
        rows_total=rows_total,
    )
    return JsonResponse(job_to_dict(job), status_code=202, headers={"Location": f"/v1/audits/{job.id}"})


def _job_or_404(engine: Any, merchant_id: str, job_id: str) -> AuditJob:
    job = get_job(engine, merchant_id, job_id)
    if job is None:
        raise ApiError(404, "AUDIT_NOT_FOUND", f"No audit {job_id!r} for this merchant.")
    return job


def _done_files(job: AuditJob, settings: Settings) -> JobFiles:
    if job.status == FAILED:
        raise ApiError(
            409,
            "AUDIT_FAILED",
            f"This audit failed ({job.error_code}): {job.error_message}",
            {"status": job.status, "error": {"code": job.error_code, "message": job.error_message}},
        )
    if job.status != DONE:
        raise ApiError(
            409,
            "AUDIT_NOT_DONE",
            f"This audit is {job.status} ({job.rows_done} rows done); try again when it is done.",
            {"status": job.status, "rows_done": job.rows_done},
        )
    return job_files(settings.audit_data_dir, job.merchant_id, job.id, job.format)


@router.get("", response_model=AuditJobListOut, summary="The merchant's audits, newest first")
def list_audits(merchant: MerchantDep, engine: EngineDep) -> Response:
    return JsonResponse({"audits": [job_to_dict(job) for job in list_jobs(engine, merchant.id)]})


@router.get(
    "/{job_id}",
    response_model=AuditJobOut,
    summary="One audit: status and progress",
    responses={404: {"model": ErrorOut, "description": "No such audit for this merchant"}},
)
def get_audit(job_id: str, merchant: MerchantDep, engine: EngineDep) -> Response:
    """``rows_total`` is exact for XLSX and once done; while a text file runs it is estimated from the bytes read."""
    return JsonResponse(job_to_dict(_job_or_404(engine, merchant.id, job_id)))


@router.get(
    "/{job_id}/result",
    summary="The audited file, in the input's format and encoding",
    response_class=FileResponse,
    responses={
        200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
        404: {"model": ErrorOut, "description": "No such audit for this merchant"},
        409: {"model": ErrorOut, "description": "The audit is not done (AUDIT_NOT_DONE) or failed"},
    },
)
def get_audit_result(
    job_id: str, merchant: MerchantDep, engine: EngineDep, settings: SettingsDep
) -> Response:
    """The input's rows in order with the audit columns appended; GBK input comes back as GB18030."""
    job = _job_or_404(engine, merchant.id, job_id)
    files = _done_files(job, settings)
    media = MEDIA_TYPES[job.format]
    if job.format in TEXT_FORMATS:
        media += f"; charset={output_encoding(job.encoding or 'utf-8')}"
    stem = Path(job.filename).stem or "audit"
    return FileResponse(files.result, media_type=media, filename=f"{stem}.audited.{job.format}")


@router.get(
    "/{job_id}/report",
    summary="The HTML report of a finished audit",
    response_class=FileResponse,
    responses={
        200: {"content": {"text/html": {}}},
        404: {"model": ErrorOut, "description": "No such audit for this merchant"},
        409: {"model": ErrorOut, "description": "The audit is not done (AUDIT_NOT_DONE) or failed"},
    },
)
def get_audit_report(
    job_id: str, merchant: MerchantDep, engine: EngineDep, settings: SettingsDep
) -> Response:
    job = _job_or_404(engine, merchant.id, job_id)
    files = _done_files(job, settings)
    return FileResponse(files.report, media_type="text/html; charset=utf-8")
