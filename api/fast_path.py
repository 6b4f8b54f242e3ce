"""The hot request, ``POST /v1/addresses/validate``, answered without FastAPI's routing and dependencies.

A single validation costs the library about 45 µs; through FastAPI 0.165 the same request cost about
150 µs more, nearly all of it route matching across the included routers and dependency solving
(cProfile over the ASGI app, no sockets). This ASGI middleware answers the common case itself and hands
everything else, untouched, to the full application:

- only ``POST /v1/addresses/validate`` with a ``Content-Length`` of at most ``MAX_FAST_BODY`` bytes and a
  JSON content type;
- only with an ``Authorization: Bearer`` key that the key cache (``api.deps.KeyCache``) already holds as
  valid and not revoked; the first request of a key, a revoked or unknown key, or the console's cookie
  session go the full way (which looks the key up and fills the cache);
- only a body that orjson parses and ``AddressRequest`` accepts, the model the route declares, in the
  same (strict) mode.

Any other request, including every error, is replayed to the full application with its body, so the
error envelope, status codes and OpenAPI description stay in one place (the route in
``api.routers.addresses``). ``tests/api/test_api_fast_path.py`` sends the same requests with and without
this middleware and compares status, headers and body.
"""

from __future__ import annotations

import orjson
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import addrcheck
from api.deps import KeyCache, key_digest
from api.errors import JsonResponse
from api.schemas import AddressRequest

PATH = "/v1/addresses/validate"
MAX_FAST_BODY = 16 * 1024  # one address and a policy; anything larger takes the full path
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


class SingleValidationFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key, length, json_type = _headers(scope)
        if key is None or not json_type or not 0 < length <= MAX_FAST_BODY:
            await self.app(scope, receive, send)
            return
        read = await _read(receive, length)
        if read is None:  # the client went away
            return
        body, ended = read
        fits = ended and len(body) == length
        request = _request(body) if fits and _cached_valid(scope, key) else None
        if request is None:
            await self.app(scope, _replay(body, ended, receive), send)
            return
        response = JsonResponse(addrcheck.validate(request.address, policy=request.policy).to_dict())
        await response(scope, receive, send)


def _headers(scope: Scope) -> tuple[bytes | None, int, bool]:
    """The bearer key, the declared length (-1 if absent or bad) and whether the type is JSON."""
    seen: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        seen.setdefault(name, value)  # the first of repeated headers, as Starlette's Headers.get
    scheme, _, credentials = seen.get(b"authorization", b"").partition(b" ")
    key = credentials if scheme.lower() == b"bearer" and credentials else None
    declared = seen.get(b"content-length", b"")
    length = int(declared) if declared.isdigit() else -1
    return key, length, seen.get(b"content-type", b"").lower() in _JSON_TYPES


async def _read(receive: Receive, length: int) -> tuple[bytes, bool] | None:
    """The body as far as read, and whether the client has sent all of it; None if it went away.

    Stops reading past ``length``: the rest, if any, is the full application's to receive."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        ended = not message.get("more_body", False)
        if ended or size > length:
            return b"".join(chunks), ended


def _cached_valid(scope: Scope, key: bytes) -> bool:
    cache: KeyCache = scope["app"].state.key_cache
    # the key as Starlette decodes headers (latin-1), for the digest the full path keys the cache by
    found, info = cache.get(key_digest(key.decode("latin-1")))
    return found and info is not None and not info.revoked


def _request(body: bytes) -> AddressRequest | None:
    try:
        return AddressRequest.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValidationError):
        return None


def _replay(body: bytes, ended: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever the client sends next."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": not ended}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed
