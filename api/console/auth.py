"""Who is calling, for the console's pages and for /v1 requests that carry the console's cookie.

Error codes added by the console (the envelope is the API's, ``api.errors``):

===================  ======  ===========================================================
SESSION_EXPIRED      401     the console session is older than ``console_session_seconds``
SESSION_INVALID      401     a tampered cookie, or the key it was opened with was revoked
CSRF_FAILED          403     a write with the session cookie but without its CSRF token
===================  ======  ===========================================================
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.console.session import (
    CSRF_HEADER,
    SAFE_METHODS,
    ConsoleSession,
    SessionError,
    current_session,
    signer_of,
)
from api.deps import Merchant
from api.errors import ApiError

SESSION_MESSAGES = {
    "SESSION_EXPIRED": "Your console session has expired: sign in again.",
    "SESSION_INVALID": "This console session is no longer valid: sign in again.",
}


async def read_session(request: Request) -> ConsoleSession | None:
    """The valid session of the request, None without a cookie. Errors: ``ApiError`` 401."""
    try:
        return await run_in_threadpool(current_session, request)
    except SessionError as exc:
        raise ApiError(401, exc.code, SESSION_MESSAGES[exc.code]) from exc


async def merchant_from_session(request: Request) -> Merchant | None:
    """The merchant of the console session, for ``/v1`` requests without an API key.

    Writes must carry the session's CSRF token in ``X-CSRF-Token``: SameSite=Strict already keeps the
    cookie off other sites' requests, and the token covers browsers or proxies that do not honour it.
    """
    session = await read_session(request)
    if session is None:
        return None
    if request.method not in SAFE_METHODS and not signer_of(request).csrf_ok(
        session, request.headers.get(CSRF_HEADER)
    ):
        raise ApiError(403, "CSRF_FAILED", "This write did not carry the console's CSRF token.")
    return Merchant(id=session.merchant_id, key_id=session.key_id)
