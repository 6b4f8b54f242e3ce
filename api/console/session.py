"""Console sessions: a signed cookie stands in for the API key, and a CSRF token guards every write.

The clerk types the merchant's API key once, on the sign-in page; the key is checked exactly as the API
checks it and never stored in the browser or put in a URL. The browser gets a cookie instead::

    base64url(JSON {"m": merchant id, "k": key id, "exp": unix time, "n": random nonce}) "." base64url(HMAC)

signed with HMAC-SHA256 under ``settings.console_secret``. It is stateless, so no table is needed and any
process holding the same secret accepts it; ``addrcheck serve`` makes a secret for its own workers when
none is set, and several machines behind one console must be given the same ``ADDRCHECK_CONSOLE_SECRET``.
On every request the key id in the cookie is looked up again (through the API's key cache), so revoking
the key ends its sessions within ``auth_cache_seconds``.

The cookie is HttpOnly, SameSite=Strict, and Secure when the request came over https. Writes made with
the cookie (any method but GET/HEAD/OPTIONS) must also carry the session's CSRF token, an HMAC of its
nonce, in the ``X-CSRF-Token`` header (scripts) or the ``csrf_token`` form field (plain forms).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from addrcheck.storage.api_keys import ApiKeyInfo
from addrcheck.storage.engine import session_scope
from addrcheck.storage.models import ApiKey, as_utc

SESSION_COOKIE = "addrcheck_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_COOKIE_LENGTH = 1024  # a real one is ~200 bytes; longer values are refused before decoding


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    merchant_id: str
    key_id: int
    expires_at: int
    nonce: str


class SessionError(Exception):
    """A cookie that is present but cannot be used; ``code`` is SESSION_EXPIRED or SESSION_INVALID."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """Issues and reads session cookies and their CSRF tokens under one secret."""

    def __init__(self, secret: str, lifetime_seconds: int) -> None:
        self._secret = secret.encode("utf-8")
        self.lifetime_seconds = lifetime_seconds

    def _mac(self, purpose: str, payload: str) -> str:
        digest = hmac.new(self._secret, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
        return _b64encode(digest)

    def issue(self, merchant_id: str, key_id: int, *, now: float | None = None) -> tuple[str, ConsoleSession]:
        """A new cookie value for the merchant signed in with key ``key_id``, and the session it holds."""
        issued = int(now if now is not None else time.time())
        session = ConsoleSession(
            merchant_id, key_id, issued + self.lifetime_seconds, secrets.token_urlsafe(16)
        )
        body = {"m": session.merchant_id, "k": session.key_id, "exp": session.expires_at, "n": session.nonce}
        payload = _b64encode(json.dumps(body, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{self._mac('session', payload)}", session

    def read(self, value: str, *, now: float | None = None) -> ConsoleSession:
        """The session in a cookie value. Errors: ``SessionError`` (tampered, malformed or expired)."""
        if len(value) > MAX_COOKIE_LENGTH or value.count(".") != 1:
            raise SessionError("SESSION_INVALID")
        payload, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac("session", payload)):
            raise SessionError("SESSION_INVALID")
        try:
            body: Any = json.loads(_b64decode(payload))
            session = ConsoleSession(str(body["m"]), int(body["k"]), int(body["exp"]), str(body["n"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SessionError("SESSION_INVALID") from exc
        if session.expires_at <= (now if now is not None else time.time()):
            raise SessionError("SESSION_EXPIRED")
        return session

    def csrf_token(self, session: ConsoleSession) -> str:
        return self._mac("csrf", session.nonce)

    def csrf_ok(self, session: ConsoleSession, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf_token(session))

    def login_token(self, nonce: str) -> str:
        """The token the sign-in form carries, tied to a pre-session nonce cookie (login CSRF)."""
        return self._mac("login", nonce)


def make_signer(secret: str | None, lifetime_seconds: int) -> SessionSigner:
    # Without a configured secret, this process makes its own: sessions then last until it restarts and
    # are not shared with other processes (addrcheck serve passes one to all of its workers).
    return SessionSigner(secret or secrets.token_urlsafe(32), lifetime_seconds)


def signer_of(request: Request) -> SessionSigner:
    signer: SessionSigner = request.app.state.console_signer
    return signer


def _key_by_id(engine: Engine, key_id: int) -> ApiKeyInfo | None:
    with session_scope(engine) as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            return None
        revoked = as_utc(row.revoked_at) if row.revoked_at is not None else None
        return ApiKeyInfo(row.id, row.merchant_id, row.prefix, as_utc(row.created_at), revoked)


def key_still_valid(request: Request, session: ConsoleSession) -> bool:
    """Whether the key the session was opened with still exists, is not revoked, and is the merchant's.

    Runs a database query at most once per ``auth_cache_seconds`` per key (the API's key cache).
    """
    cache = request.app.state.key_cache
    cache_key = f"key-id:{session.key_id}"
    found, info = cache.get(cache_key)
    if not found:
        info = _key_by_id(request.app.state.engine, session.key_id)
        cache.put(cache_key, info)
    return info is not None and not info.revoked and info.merchant_id == session.merchant_id


def current_session(request: Request) -> ConsoleSession | None:
    """The request's valid session, or None (no cookie). Errors: ``SessionError`` for a bad cookie or a
    revoked key (SESSION_EXPIRED / SESSION_INVALID)."""
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    session = signer_of(request).read(value)
    if not key_still_valid(request, session):
        raise SessionError("SESSION_INVALID")
    return session


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=is_https(request)
    )
