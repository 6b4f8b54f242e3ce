"""Dependencies shared by the routers, as ``Annotated`` aliases.

- ``SettingsDep``: the settings the app was built with (``create_app(settings)``; by default
  ``addrcheck.settings.get_settings()``).
- ``MerchantDep``: the merchant owning the request's API key (``Authorization: Bearer <key>``);
  401 without a key or with an unknown one, 403 with a revoked one. Without a key, the web console's
  session cookie (``api.console.session``) is accepted instead, with its CSRF token on writes.

Key checks are cached in memory for ``settings.auth_cache_seconds`` (default 5 s) so that validation
requests do not hit the database; a revocation therefore takes effect within that time.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from addrcheck.settings import Settings
from addrcheck.storage.api_keys import ApiKeyInfo, verify_api_key
from addrcheck.storage.engine import session_scope
from api.errors import ApiError

MAX_CACHED_KEYS = 10_000  # bounds memory when someone sprays random keys


async def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def app_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(app_settings)]
EngineDep = Annotated[Engine, Depends(app_engine)]


@dataclass(frozen=True, slots=True)
class Merchant:
    """The authenticated caller."""

    id: str
    key_id: int


def key_digest(key: str) -> str:
    """What the key cache is keyed by: the key's SHA-256 (the key itself is never kept in memory)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class KeyCache:
    """Recent key checks by key hash; entries expire after ``ttl`` seconds (0 disables caching)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, ApiKeyInfo | None]] = {}

    def get(self, digest: str) -> tuple[bool, ApiKeyInfo | None]:
        entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, digest: str, info: ApiKeyInfo | None) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= MAX_CACHED_KEYS:
            self._entries.clear()
        self._entries[digest] = (time.monotonic() + self.ttl, info)

    def clear(self) -> None:
        self._entries.clear()


bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="A key from `addrcheck keys create --merchant M`, sent as `Authorization: Bearer <key>`.",
)


def _lookup(engine: Engine, key: str) -> ApiKeyInfo | None:
    with session_scope(engine) as session:
        return verify_api_key(session, key)


async def authenticated_merchant(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Merchant:
    if credentials is None or not credentials.credentials:
        # The web console signs in with a key once and then sends a session cookie instead.
        from api.console.auth import merchant_from_session

        merchant = await merchant_from_session(request)
        if merchant is not None:
            return merchant
        raise ApiError(401, "AUTH_REQUIRED", "Send an API key as 'Authorization: Bearer <key>'.")
    key = credentials.credentials
    cache: KeyCache = request.app.state.key_cache
    digest = key_digest(key)
    found, info = cache.get(digest)
    if not found:
        info = await run_in_threadpool(_lookup, request.app.state.engine, key)
        cache.put(digest, info)
    if info is None:
        raise ApiError(401, "AUTH_INVALID", "This API key is not valid.")
    if info.revoked:
        raise ApiError(403, "KEY_REVOKED", "This API key was revoked.")
    return Merchant(id=info.merchant_id, key_id=info.id)


MerchantDep = Annotated[Merchant, Depends(authenticated_merchant)]
