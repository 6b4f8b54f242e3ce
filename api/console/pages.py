"""The console's pages: sign in and out, the language switch, and the four pages under ``/console``.

Each page is a view of the API. Its script calls the ``/v1`` endpoints with the session cookie (the
results, the picker, saving, routing, audits); where a page also works as a plain form (checking a
paste, saving a warehouse file, looking up an order), the handler calls the router's own function, so
there is one logic path either way.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

import addrcheck
from addrcheck.errors import ConfigError
from addrcheck.normalized import INVISIBLE
from addrcheck.storage.api_keys import MAX_KEY_LENGTH
from addrcheck.storage.models import ORDER_ID_LENGTH
from addrcheck.warehouses.hook import ORDER_ID_PATTERN
from api.console.session import (
    CSRF_FIELD,
    ConsoleSession,
    SessionError,
    clear_session_cookie,
    current_session,
    is_https,
    set_session_cookie,
    signer_of,
)
from api.console.strings import DEFAULT_LANGUAGE, LANGUAGES, strings_for
from api.deps import Merchant, _lookup
from api.errors import ApiError, to_jsonable
from api.routers import addresses, orders, warehouses
from api.schemas import BatchRequest, WarehouseConfigRequest

LANGUAGE_COOKIE = "addrcheck_lang"
LOGIN_NONCE_COOKIE = "addrcheck_login"
RELOGIN_HEADER = "x-console-relogin"  # a custom header: other sites cannot send it without CORS
PAGES = ("check", "audits", "warehouses", "orders")
POLICIES = ("default", "strict", "loose")

# The pages load only their own files: no inline script or style, nothing from another origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show one merchant's data; a shared machine's cache must not keep them
}

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _visible(text: str) -> str:
    """``text`` with each invisible character written as its code point (U+200B), as the script does:
    raw, one is nothing between two quotes, and a direction control reorders the text after it."""
    return INVISIBLE.sub(lambda match: f"U+{ord(match.group()):04X}", text)


templates.env.filters["visible"] = _visible
router = APIRouter(prefix="/console", include_in_schema=False)


def _language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _safe_next(target: str | None) -> str:
    # Only paths of the console itself: never another host ("//evil", "https://...").
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/check"


def _json_for_script(value: Any) -> str:
    # Inside <script type="application/json">: "<" escaped so no text can close the element.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _render(
    request: Request,
    template: str,
    page: str,
    session: ConsoleSession | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    language = _language(request)
    settings = request.app.state.settings
    strings = strings_for(language)
    csrf = signer_of(request).csrf_token(session) if session is not None else ""
    full = {
        "t": strings,
        "lang": language,
        "page": page,
        "pages": PAGES,
        "csrf": csrf,
        "csrf_field": CSRF_FIELD,
        "merchant_id": session.merchant_id if session is not None else None,
        "strings_json": _json_for_script(strings),
        "version": addrcheck.__version__,
        "max_batch_size": settings.max_batch_size,
        "max_body_bytes": settings.max_body_bytes,
        "policies": POLICIES,
        "order_id_max": ORDER_ID_LENGTH,
        "order_id_pattern": ORDER_ID_PATTERN,
        "invisible_pattern": INVISIBLE.pattern,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    }
    return templates.TemplateResponse(
        request, template, full, status_code=status_code, headers=SECURITY_HEADERS
    )


def _to_login(request: Request, error: str | None = None) -> RedirectResponse:
    query = {"next": _safe_next(request.url.path + (f"?{request.url.query}" if request.url.query else ""))}
    if error:
        query["error"] = error
    response = RedirectResponse("/console/login?" + urlencode(query), status_code=303)
    if error:
        clear_session_cookie(response, request)
    return response


async def _page_session(request: Request) -> ConsoleSession | RedirectResponse:
    try:
        session = await run_in_threadpool(current_session, request)
    except SessionError as exc:
        return _to_login(request, "expired" if exc.code == "SESSION_EXPIRED" else "invalid")
    if session is None:
        return _to_login(request)
    return session


def _form_csrf_ok(request: Request, session: ConsoleSession, token: str | None) -> bool:
    return signer_of(request).csrf_ok(session, token)


def _merchant(session: ConsoleSession) -> Merchant:
    return Merchant(id=session.merchant_id, key_id=session.key_id)


def _body(response: Response) -> Any:
    return json.loads(bytes(response.body))


# ---- sign in, sign out, language ---------------------------------------------------------------------


@router.get("")
async def console_home() -> Response:
    return RedirectResponse("/console/check", status_code=303)


@router.get("/login")
async def login_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
    try:
        signed_in = await run_in_threadpool(current_session, request)
    except SessionError:
        signed_in = None
    if signed_in is not None and error != "out":
        return RedirectResponse(_safe_next(next), status_code=303)
    nonce = secrets.token_urlsafe(16)
    messages = {"expired": "sign_in_expired", "invalid": "sign_in_failed", "key": "sign_in_failed"}
    response = _render(
        request,
        "login.html",
        "login",
        None,
        next=_safe_next(next),
        login_token=signer_of(request).login_token(nonce),
        error_key=messages.get(error or ""),
        signed_out=error == "out",
    )
    response.set_cookie(
        LOGIN_NONCE_COOKIE, nonce, max_age=3600, path="/console", httponly=True, samesite="strict",
        secure=is_https(request),
    )  # fmt: skip
    return response


@router.post("/login")
async def login(
    request: Request,
    key: str = Form("", max_length=MAX_KEY_LENGTH),
    next: str = Form("/console/check"),
    login_token: str = Form(""),
) -> Response:
    """Check the key as the API does; on success the browser gets the session cookie, never the key."""
    relogin = request.headers.get(RELOGIN_HEADER) == "1"
    signer = signer_of(request)
    if not relogin:
        nonce = request.cookies.get(LOGIN_NONCE_COOKIE, "")
        if not nonce or not secrets.compare_digest(login_token, signer.login_token(nonce)):
            return RedirectResponse("/console/login?" + urlencode({"next": _safe_next(next)}), 303)
    info = await run_in_threadpool(_lookup, request.app.state.engine, key.strip()) if key.strip() else None
    if info is None or info.revoked:
        if relogin:
            raise ApiError(401, "AUTH_INVALID", "This API key is not valid or was revoked.")
        query = urlencode({"next": _safe_next(next), "error": "key"})
        return RedirectResponse(f"/console/login?{query}", status_code=303)
    value, session = signer.issue(info.merchant_id, info.id)
    response: Response
    if relogin:
        body = {"merchant_id": session.merchant_id, "csrf_token": signer.csrf_token(session)}
        response = Response(json.dumps(body), media_type="application/json")
    else:
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.delete_cookie(LOGIN_NONCE_COOKIE, path="/console")
    set_session_cookie(response, request, value, signer.lifetime_seconds)
    return response


@router.post("/logout")
async def logout(request: Request, csrf_token: str = Form("")) -> Response:
    # A cross-site form cannot sign anyone out: SameSite=Strict and the token both stop it.
    try:
        session = await run_in_threadpool(current_session, request)
    except SessionError:
        session = None
    if session is not None and not _form_csrf_ok(request, session, csrf_token):
        return RedirectResponse("/console/check", status_code=303)
    response = RedirectResponse("/console/login?error=out", status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("/lang/{language}")
async def switch_language(request: Request, language: str, next: str | None = None) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 86400, path="/", samesite="lax", secure=is_https(request)
        )
    return response


# ---- check and fix -------------------------------------------------------------------------------------


@router.get("/check")
async def check_page(request: Request) -> Response:
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    return _render(request, "check.html", "check", session, text="", policy="default", results=None)


@router.post("/check")
async def check_form(
    request: Request,
    addresses_text: str = Form("", alias="addresses"),
    policy: str = Form("default"),
    csrf_token: str = Form(""),
) -> Response:
    """Without a script: the same batch endpoint, its results drawn on the server."""
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    if not _form_csrf_ok(request, session, csrf_token):
        return RedirectResponse("/console/check", status_code=303)
    settings = request.app.state.settings
    lines = [line.strip() for line in addresses_text.splitlines() if line.strip()]
    context: dict[str, Any] = {"text": addresses_text, "policy": policy if policy in POLICIES else "default"}
    if not lines:
        return _render(request, "check.html", "check", session, 422, results=None, error_key="empty_paste")
    if len(lines) > settings.max_batch_size:
        return _render(
            request, "check.html", "check", session, 422, **context, results=None,
            error_key="too_many_lines", error_args={"max": settings.max_batch_size, "count": len(lines)},
        )  # fmt: skip
    body = BatchRequest(addresses=list(lines), policy=context["policy"])
    response = await run_in_threadpool(addresses.validate_batch, body, _merchant(session), settings)
    return _render(request, "check.html", "check", session, **context, results=_body(response)["results"])


# ---- audits --------------------------------------------------------------------------------------------


@router.get("/audits")
async def audits_page(request: Request) -> Response:
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    return _render(request, "audits.html", "audits", session)


# ---- warehouses ----------------------------------------------------------------------------------------


def _active_config(merchant: Merchant, engine: Any) -> dict[str, Any] | None:
    try:
        body: dict[str, Any] = _body(warehouses.get_warehouses(merchant, engine))
    except ApiError as exc:
        if exc.code == "NO_WAREHOUSE_CONFIG":
            return None
        raise
    return body


def _warehouse_context(request: Request, session: ConsoleSession) -> dict[str, Any]:
    active = _active_config(_merchant(session), request.app.state.engine)
    return {"active": active, "config": active["config"] if active else None}


@router.get("/warehouses")
async def warehouses_page(request: Request, saved: str | None = None) -> Response:
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    context = await run_in_threadpool(_warehouse_context, request, session)
    active = context["active"]
    content = active["content"] if active else ""
    fmt = active["format"] if active else "toml"
    return _render(
        request, "warehouses.html", "warehouses", session, **context, content=content, format=fmt,
        problems=None, saved=bool(saved) and active is not None,
    )  # fmt: skip


@router.post("/warehouses")
async def warehouses_form(
    request: Request,
    content: str = Form(""),
    format: str = Form("toml"),
    csrf_token: str = Form(""),
) -> Response:
    """Without a script: ``PUT /v1/warehouses``'s own function; problems drawn at their lines."""
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    if not _form_csrf_ok(request, session, csrf_token):
        return RedirectResponse("/console/warehouses", status_code=303)
    problems: list[dict[str, Any]] | None = None
    try:
        body = WarehouseConfigRequest(content=content, format="yaml" if format == "yaml" else "toml")
        await run_in_threadpool(warehouses.put_warehouses, body, _merchant(session), request.app.state.engine)
    except ConfigError as exc:
        problems = (
            to_jsonable(list(exc.problems)) if exc.problems else [{"message": exc.message, "line": None}]
        )
    except ValidationError as exc:
        problems = [{"message": str(error.get("msg", "")), "line": None} for error in exc.errors()]
    if problems is None:
        return RedirectResponse("/console/warehouses?saved=1", status_code=303)
    context = await run_in_threadpool(_warehouse_context, request, session)
    return _render(
        request, "warehouses.html", "warehouses", session, 422, **context, content=content, format=format,
        problems=problems, saved=False,
    )  # fmt: skip


# ---- orders and proof ----------------------------------------------------------------------------------


def _order_record(request: Request, session: ConsoleSession, order_id: str) -> dict[str, Any] | None:
    try:
        return dict(_body(orders.get_return_address(order_id, _merchant(session), request.app.state.engine)))
    except ApiError as exc:
        if exc.code == "ORDER_NOT_FOUND":
            return None
        raise


def _order_context(record: dict[str, Any]) -> dict[str, Any]:
    decision = record["decision"]
    items = decision.get("items", [])
    shipments = [
        {**shipment, "skus": [items[i]["sku"] for i in shipment.get("items", []) if i < len(items)]}
        for shipment in decision.get("shipments", [])
    ]
    return {"record": record, "decision": decision, "items": items, "shipments": shipments}


@router.get("/orders")
async def orders_page(request: Request, order_id: str | None = None) -> Response:
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    order_id = (order_id or "").strip()
    if not order_id:
        return _render(request, "orders.html", "orders", session, order_id="", record=None, not_found=False)
    if len(order_id) > ORDER_ID_LENGTH:
        return _render(request, "orders.html", "orders", session, 404, order_id=order_id, record=None,
                       not_found=True)  # fmt: skip
    record = await run_in_threadpool(_order_record, request, session, order_id)
    if record is None:
        return _render(request, "orders.html", "orders", session, 404, order_id=order_id, record=None,
                       not_found=True)  # fmt: skip
    return _render(
        request, "orders.html", "orders", session, order_id=order_id, not_found=False,
        print_url=f"/console/orders/{quote(order_id, safe='')}/print", **_order_context(record),
    )  # fmt: skip


@router.get("/orders/{order_id}/print")
async def order_print(request: Request, order_id: str) -> Response:
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    record = (
        await run_in_threadpool(_order_record, request, session, order_id)
        if len(order_id) <= ORDER_ID_LENGTH
        else None
    )
    if record is None:
        return _render(request, "orders.html", "orders", session, 404, order_id=order_id, record=None,
                       not_found=True)  # fmt: skip
    printed = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return _render(
        request,
        "print.html",
        "print",
        session,
        order_id=order_id,
        printed_at=printed,
        **_order_context(record),
    )
