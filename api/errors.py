"""Every error the HTTP service returns, in one envelope, mapped from domain errors in one place.

The body of every error response is::

    {"error": {"code": "STABLE_CODE", "message": "a sentence for people", "detail": <any JSON or null>}}

Handlers raise ``ApiError`` (or let a library ``AddrcheckError`` escape); nothing builds an error body
by hand. The codes are part of the API contract:

===========================  ======  ==========================================================
code                         status  when
===========================  ======  ==========================================================
INVALID_REQUEST              422     the body or the query does not match the schema
MALFORMED_JSON               422     the body is not JSON (or not UTF-8)
BATCH_TOO_LARGE              422     more addresses than ``max_batch_size`` in one batch
CONFIG_INVALID               422     a warehouse configuration with problems (all in ``detail``)
<reason code>                422     ``normalize`` on an address with no usable form (``detail``:
                                     the reasons); the code is the first reason's, e.g. EMPTY
<routing code>               422     an order that cannot be routed: NO_WAREHOUSE_FOR_SKU,
                                     INVALID_ORDER
BODY_TOO_LARGE               413     the request body is over ``max_body_bytes``
AUTH_REQUIRED                401     no API key in the request
AUTH_INVALID                 401     an API key that does not exist
KEY_REVOKED                  403     an API key that was revoked
NOT_FOUND                    404     no such path
DIVISION_NOT_FOUND           404     ``parent`` names no division
NO_WAREHOUSE_CONFIG          404     GET /v1/warehouses before any configuration was stored
NO_WAREHOUSE_CONFIG          409     an order before any warehouse configuration was stored
ORDER_CHANGED                409     an order id decided before with other contents (no recompute)
AUDIT_NOT_FOUND              404     no audit job with this id (for this merchant)
AUDIT_NOT_DONE               409     the result or report of an audit that is queued or running
AUDIT_FAILED                 409     the result or report of an audit that failed (``detail.error``)
UPLOAD_TOO_LARGE             413     an audit upload over ``max_upload_bytes`` (checked while it streams)
INVALID_UPLOAD               422     not multipart/form-data, no ``file`` field, unreadable multipart
UNKNOWN_POLICY               422     an audit ``policy`` that is not a preset name
<audit input code>           422     an upload the audit engine cannot read: UNKNOWN_FORMAT, EMPTY_UPLOAD,
                                     BINARY_INPUT, UNKNOWN_ENCODING, UNSUPPORTED_ENCODING,
                                     UNREADABLE_HEADER, UNREADABLE_INPUT, NO_ADDRESS_COLUMN,
                                     AMBIGUOUS_ADDRESS_COLUMN (a job that fails later carries the
                                     same codes in its ``error``, or AUDIT_INTERNAL_ERROR)
ORDER_NOT_FOUND              404     no decision recorded for this order (for this merchant)
METHOD_NOT_ALLOWED           405     the path exists, the method does not (``Allow`` lists the methods;
                                     OPTIONS answers 204 with ``Allow``)
UNSUPPORTED_MEDIA_TYPE       415     a warehouse file in a content type other than JSON/TOML/YAML
NOT_READY                    503     ``/readyz`` before the division data is loaded
INTERNAL_ERROR               500     a bug; never expected for any input
===========================  ======  ==========================================================
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from addrcheck.errors import AddrcheckError, AddressError, ConfigError, RoutingError

logger = logging.getLogger("api")

MALFORMED_JSON_MESSAGE = "The request body is not valid JSON."


class JsonResponse(JSONResponse):
    """Compact JSON with Chinese kept readable, by orjson; ``\\u`` escapes for text UTF-8 cannot carry.

    orjson writes the same bytes as ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` for
    the strings, numbers, lists and dicts the handlers return, several times faster (a validation's
    JSON took about a fifth of a single-validation request). A JSON string may hold a lone surrogate
    (``"\\ud800"``); it reaches the echoed ``input`` and orjson (like any UTF-8 encoder) refuses it, so
    such bodies, and any value orjson does not know, go through ``json`` and are sent ASCII-escaped.
    """

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # orjson.JSONEncodeError is one
            pass
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


class ApiError(Exception):
    """An error response: HTTP status, stable code, a sentence, and optional JSON detail."""

    def __init__(self, status_code: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.detail = detail


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail}}


def error_response(
    status_code: int, code: str, message: str, detail: Any = None, headers: Mapping[str, str] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(code, message, detail), status_code=status_code, headers=headers)


def to_jsonable(value: Any) -> Any:
    """Best-effort JSON form of a problem or reason object coming from the library."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        return [to_jsonable(v) for v in value]
    return str(value)


def _validation_detail(errors: Sequence[Any]) -> list[dict[str, Any]]:
    # Pydantic's "input" and "ctx" can hold anything, bytes that are not UTF-8 included; keep the
    # parts a client needs to find its mistake and that always serialise.
    detail = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        detail.append({"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))})
    return detail


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return error_response(exc.status_code, exc.code, exc.message, exc.detail, headers)


async def _request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(422, "MALFORMED_JSON", MALFORMED_JSON_MESSAGE, None)
    return error_response(
        422, "INVALID_REQUEST", "The request does not match the schema.", _validation_detail(errors)
    )


_HTTP_CODES = {
    400: ("MALFORMED_JSON", MALFORMED_JSON_MESSAGE, 422),
    404: ("NOT_FOUND", "No such resource.", 404),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed on this path.", 405),
    413: ("BODY_TOO_LARGE", "The request body is too large.", 413),
}


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on the request's path, OPTIONS included.

    FastAPI makes one route per method, and Starlette's 405 names only the first route that matched the
    path (``Allow: GET`` on ``/v1/warehouses``, which also takes PUT); asking every route fixes that for
    all paths at once.
    """
    methods = {"OPTIONS"}
    for method in _HTTP_METHODS:
        # ask with each method in turn: routers nest (included routers wrap their routes), matching works
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            methods.add(method)
    return sorted(methods)


_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        allow = {"Allow": ", ".join(allowed_methods(request))}
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)  # OPTIONS asks exactly this
        return error_response(
            405, "METHOD_NOT_ALLOWED", "This method is not allowed on this path.", None, allow
        )
    # FastAPI answers 400 when a body cannot be decoded at all (bytes that are not UTF-8); to the
    # client that is malformed input like any other, so it gets the same 422 as broken JSON.
    code, message, status = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", str(exc.detail), exc.status_code))
    return error_response(status, code, message, None, exc.headers)


async def _config_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConfigError)
    problems = to_jsonable(list(exc.problems)) if exc.problems else [exc.message]
    # The library's message lists every problem on its own line; the first line is the summary.
    return error_response(422, exc.code, exc.message.split("\n", 1)[0], problems)


async def _address_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AddressError)
    return error_response(422, exc.code, exc.message, [to_jsonable(reason) for reason in exc.reasons])


# An order id decided before with other contents is a conflict with recorded state, not bad input.
_ROUTING_STATUS = {"ORDER_CHANGED": 409}


async def _routing_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoutingError)
    detail = to_jsonable(getattr(exc, "detail", None))
    return error_response(_ROUTING_STATUS.get(exc.code, 422), exc.code, exc.message, detail)


async def _addrcheck_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AddrcheckError)
    return error_response(422, exc.code, exc.message, None)


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "INTERNAL_ERROR", "An internal error occurred.", None)


def install_error_handlers(app: FastAPI) -> None:
    """Register the one mapping from exceptions to the error envelope."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(ConfigError, _config_error)
    app.add_exception_handler(AddressError, _address_error)
    app.add_exception_handler(RoutingError, _routing_error)
    app.add_exception_handler(AddrcheckError, _addrcheck_error)
    app.add_exception_handler(Exception, _unexpected)


class BodySizeLimitMiddleware:
    """Reject request bodies over ``max_bytes`` with 413 before anything parses them.

    Checks ``Content-Length`` first, then counts the bytes actually received (chunked uploads have
    no length), buffering at most ``max_bytes``; the buffered body is replayed to the application.
    Paths in ``streamed_paths`` are passed through untouched: their handlers stream the body and
    enforce their own limit (audit uploads, ``max_upload_bytes``).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, streamed_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed_paths = streamed_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or scope["path"] in self.streamed_paths
        ):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._reject(scope, receive, send)
                    return
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, receive, send)
                return
            chunks.append(chunk)
            more_body = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "BODY_TOO_LARGE",
            f"The request body is larger than {self.max_bytes} bytes.",
            {"max_bytes": self.max_bytes},
            {"Connection": "close"},
        )
        await response(scope, receive, send)
