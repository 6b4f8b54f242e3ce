"""API keys of merchants: create (shown once), verify, list, revoke.

A key is ``ak_`` followed by 43 random URL-safe characters (``secrets.token_urlsafe(32)``, 256 bits).
Only its sha256 (hex) is stored, with its first 8 characters (``prefix``) so a lookup reads one indexed
row instead of hashing against every key; the hash is compared with ``hmac.compare_digest``. A lost key
cannot be recovered: revoke it and create another.

Every function takes an open ``Session`` and leaves committing to the caller (use
``addrcheck.storage.engine.session_scope(engine, write=True)`` for the ones that write).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from addrcheck.errors import AddrcheckError
from addrcheck.storage.models import MERCHANT_ID_LENGTH, ApiKey, Merchant, as_utc, utc_now

KEY_MARKER = "ak_"  # lets secret scanners and people recognise a key; also keeps keys from starting with "-"
PREFIX_LENGTH = 8
MAX_KEY_LENGTH = 200  # longer "keys" are rejected before hashing
MERCHANT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class ApiKeyError(AddrcheckError):
    """A key operation that cannot be done (unknown merchant or key id, malformed merchant id)."""

    code = "API_KEY_ERROR"


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What is stored about a key (never the key itself)."""

    id: int
    merchant_id: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just created: ``key`` is the secret, available only here."""

    key: str
    info: ApiKeyInfo


def hash_key(key: str) -> str:
    """The sha256 hex digest stored for ``key``."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        merchant_id=row.merchant_id,
        prefix=row.prefix,
        created_at=as_utc(row.created_at),
        revoked_at=as_utc(row.revoked_at) if row.revoked_at is not None else None,
    )


def check_merchant_id(merchant_id: str) -> str:
    """Return ``merchant_id`` if it is 1-64 characters of letters, digits, ``_ . -`` (not starting with
    punctuation); otherwise raise ``ApiKeyError`` (code ``INVALID_MERCHANT_ID``)."""
    if len(merchant_id) > MERCHANT_ID_LENGTH or not MERCHANT_ID_PATTERN.fullmatch(merchant_id):
        raise ApiKeyError(
            f"invalid merchant id {merchant_id!r}: use 1-{MERCHANT_ID_LENGTH} letters, digits, '_', '.', '-'",
            code="INVALID_MERCHANT_ID",
        )
    return merchant_id


def ensure_merchant(session: Session, merchant_id: str, name: str | None = None) -> Merchant:
    """The merchant row for ``merchant_id``, created (with ``name``, default the id) if missing."""
    check_merchant_id(merchant_id)
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        merchant = Merchant(
            id=merchant_id, name=name if name is not None else merchant_id, created_at=utc_now()
        )
        session.add(merchant)
        session.flush()
    return merchant


def create_api_key(session: Session, merchant_id: str, *, merchant_name: str | None = None) -> NewApiKey:
    """Create a key for ``merchant_id`` (the merchant is created if it does not exist yet).

    Result: the secret key (show it once; only its hash is kept) and its stored description.
    Errors: ``ApiKeyError`` for a malformed merchant id.
    """
    ensure_merchant(session, merchant_id, merchant_name)
    key = KEY_MARKER + secrets.token_urlsafe(32)
    row = ApiKey(
        merchant_id=merchant_id, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key), created_at=utc_now()
    )
    session.add(row)
    session.flush()
    return NewApiKey(key=key, info=_info(row))


def verify_api_key(session: Session, key: str) -> ApiKeyInfo | None:
    """The stored key matching ``key``, revoked or not (check ``.revoked``), or None if there is none.

    Constant-time in the comparison of hashes; malformed input (too long, wrong marker) is None.
    """
    if not key.startswith(KEY_MARKER) or len(key) > MAX_KEY_LENGTH:
        return None
    digest = hash_key(key)
    rows = session.scalars(select(ApiKey).where(ApiKey.prefix == key[:PREFIX_LENGTH])).all()
    match: ApiKey | None = None
    for row in rows:
        if hmac.compare_digest(row.key_hash, digest):
            match = row
    return _info(match) if match is not None else None


def list_api_keys(session: Session, merchant_id: str | None = None) -> list[ApiKeyInfo]:
    """Every key (of one merchant, if given), oldest first."""
    query = select(ApiKey).order_by(ApiKey.id)
    if merchant_id is not None:
        query = query.where(ApiKey.merchant_id == merchant_id)
    return [_info(row) for row in session.scalars(query)]


def revoke_api_key(session: Session, key_id: int) -> ApiKeyInfo:
    """Revoke the key with id ``key_id`` (as listed); revoking twice keeps the first time.

    Errors: ``ApiKeyError`` (code ``UNKNOWN_API_KEY``) when there is no such key.
    """
    row = session.get(ApiKey, key_id)
    if row is None:
        raise ApiKeyError(f"no API key with id {key_id}", code="UNKNOWN_API_KEY")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        session.flush()
    return _info(row)


def revoke_merchant_keys(session: Session, merchant_id: str) -> list[ApiKeyInfo]:
    """Revoke every key of ``merchant_id`` not yet revoked; the keys revoked now, oldest first.

    ``addrcheck serve --demo`` calls it before printing a new demo key, so that only the last printed
    demo key stays valid.
    """
    rows = session.scalars(
        select(ApiKey)
        .where(ApiKey.merchant_id == merchant_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.id)
    ).all()
    now = utc_now()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return [_info(row) for row in rows]
