"""Request and response bodies of the HTTP API (separate from the library's result types).

Response models document the JSON in OpenAPI; the address endpoints build the JSON from the library's
own ``to_dict()`` (the shape shared with ``addrcheck check --json``) and these models describe it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from addrcheck.models import ReasonCode
from addrcheck.storage.models import ORDER_ID_LENGTH, SKU_LENGTH
from addrcheck.warehouses.hook import (
    MAX_CATEGORY_LENGTH,
    MAX_ORDER_ITEMS,
    MAX_QTY,
    ORDER_ID_PATTERN,
    ORDER_ID_RULE,
)

PolicyName = Literal["default", "strict", "loose"]
StatusName = Literal["ok", "vague", "ambiguous", "inconsistent", "invalid"]
GranularityName = Literal["none", "province", "city", "district", "town", "road", "premise", "sub_premise"]
OriginName = Literal["explicit", "alias", "historical", "inferred"]
LevelName = Literal["province", "city", "district", "town"]

Span = list[int]


class RequestModel(BaseModel):
    # Unknown fields are mistakes ("adress"), not extensions: refuse them with 422. Strict: a field
    # documented as boolean or integer takes exactly that ("recompute": 0 and "qty": "1", true or 1.0
    # are refused, not coerced).
    model_config = ConfigDict(extra="forbid", strict=True)


# ---- requests -------------------------------------------------------------------------------------


class AddressRequest(RequestModel):
    address: str = Field(description="The address as the buyer or merchant typed it.")
    policy: PolicyName = Field("default", description="What the address must contain to be ok.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"address": "浙江省金华市义乌市稠城街道工人北路100号"}]},
    )


class ParseRequest(RequestModel):
    address: str


class BatchRequest(RequestModel):
    addresses: list[Any] = Field(
        description=(
            "Addresses to validate, in order. An element that is not a string gets its own invalid "
            "result (NOT_AN_ADDRESS); the batch itself does not fail. At most max_batch_size (see /v1/meta)."
        )
    )
    policy: PolicyName = "default"


class OrderItemRequest(RequestModel):
    sku: str = Field(min_length=1, max_length=SKU_LENGTH)
    qty: int = Field(ge=1, le=MAX_QTY)
    category: str | None = Field(None, min_length=1, max_length=MAX_CATEGORY_LENGTH)


class OrderRequest(RequestModel):
    """An order about to ship (the shape of ``addrcheck route ORDER.json``), plus ``recompute``."""

    order_id: str = Field(
        min_length=1, max_length=ORDER_ID_LENGTH, pattern=f"^{ORDER_ID_PATTERN}$", description=ORDER_ID_RULE
    )
    shop: str = Field(min_length=1, max_length=128)
    items: list[OrderItemRequest] = Field(min_length=1, max_length=MAX_ORDER_ITEMS)
    buyer_address: str | None = Field(
        None, min_length=1, max_length=1000, description="Used only to prefer the nearest eligible warehouse."
    )
    recompute: bool = Field(
        False,
        description="Decide again if the warehouse configuration changed since the recorded decision.",
    )


class WarehouseConfigRequest(RequestModel):
    format: Literal["toml", "yaml"] = "toml"
    content: str = Field(description="The warehouse file, as `addrcheck warehouses check` reads it.")


# ---- responses ------------------------------------------------------------------------------------


class ComponentOut(BaseModel):
    value: str
    code: str | None
    span: Span | None
    origin: OriginName


class ReasonOut(BaseModel):
    code: ReasonCode = Field(description="Stable; the README's reason-code table says what each means.")
    severity: Literal["error", "warning"]
    message: str
    message_en: str
    span: Span | None


class CandidateOut(BaseModel):
    normalized: str
    province: str | None
    city: str | None
    district: str | None
    town: str | None
    code: str


class UnresolvedOut(BaseModel):
    text: str
    span: Span


RemovalKind = Literal[
    "division", "repeat", "placeholder", "contact", "country", "clipped", "pasted", "invisible", "separator"
]


class RemovalOut(BaseModel):
    """Input text ``normalized`` leaves out, and why (the divisions are spelled in full in its prefix)."""

    text: str
    span: Span
    why: RemovalKind


class ValidationResultOut(BaseModel):
    """Exactly ``ValidationResult.to_dict()``, the same object as ``addrcheck check --json``."""

    input: str
    status: StatusName
    granularity: GranularityName
    normalized: str
    policy: str
    components: dict[str, ComponentOut]
    reasons: list[ReasonOut]
    candidates: list[CandidateOut]
    unresolved: list[UnresolvedOut]
    removed: list[RemovalOut]


class BatchResultOut(BaseModel):
    count: int
    results: list[ValidationResultOut]


class ParseResultOut(BaseModel):
    input: str
    normalized: str
    components: dict[str, ComponentOut]
    candidates: list[CandidateOut]
    unresolved: list[UnresolvedOut]
    notes: list[ReasonOut]
    removed: list[RemovalOut]


class NormalizeOut(BaseModel):
    input: str
    normalized: str
    policy: str


class DivisionOut(BaseModel):
    code: str
    name: str
    short_name: str | None
    level: LevelName
    parent_code: str | None
    longitude: float | None
    latitude: float | None


class DivisionListOut(BaseModel):
    parent: DivisionOut | None
    children: list[DivisionOut]


class ErrorBody(BaseModel):
    code: str
    message: str
    detail: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready"]
    checks: dict[str, bool]


class MetaOut(BaseModel):
    name: str
    version: str
    api_version: str
    data: dict[str, Any]
    policies: list[str]
    max_batch_size: int
    max_body_bytes: int


class WarehouseConfigOut(BaseModel):
    merchant_id: str
    config_hash: str
    format: Literal["toml", "yaml"]
    created_at: str
    content: str
    config: dict[str, Any] = Field(description="The validated warehouses, rules and default.")


class OrderDecisionOut(BaseModel):
    """A recorded pre-ship decision; ``decision`` is the plan exactly as it was returned when recorded."""

    merchant_id: str
    order_id: str
    revision: int
    decided_at: str
    config_hash: str
    order_hash: str
    decision: dict[str, Any] = Field(
        description="order_id, shop, config_hash, buyer_district_code, items (warehouse, rule, shipment, "
        "explanation per item) and shipments (one return address with contact and phone each)."
    )
    created: bool = Field(description="Whether this call recorded the decision.")


class LedgerEntryOut(BaseModel):
    merchant_id: str
    order_id: str
    revision: int
    decided_at: str
    config_hash: str
    order_hash: str
    decision: dict[str, Any]


class OrderRecordOut(LedgerEntryOut):
    history: list[LedgerEntryOut] = Field(description="Earlier revisions, oldest first.")


AuditStatusName = Literal["queued", "running", "done", "failed"]


class AuditJobErrorOut(BaseModel):
    code: str = Field(description="Stable code, e.g. NO_ADDRESS_COLUMN, BINARY_INPUT, AUDIT_INTERNAL_ERROR.")
    message: str


class AuditJobOut(BaseModel):
    """An audit job: what was uploaded, how far the audit is, and where the result is."""

    id: str
    status: AuditStatusName
    filename: str = Field(description="The uploaded file's name.")
    format: Literal["csv", "tsv", "xlsx", "jsonl", "parquet"]
    encoding: str | None = Field(
        description="The text file's encoding as detected (utf-8, gbk...); null for XLSX."
    )
    column: str | None = Field(description="The address column audited (detected unless given).")
    policy: str
    upload_bytes: int
    rows_done: int
    rows_total: int | None = Field(
        description="Exact for XLSX and once done; estimated from the bytes read while a text file runs."
    )
    rate: float | None = Field(description="Rows per second of the current (or last) run.")
    eta_seconds: float | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int = Field(description="Runs started; more than 1 after a worker died and another resumed it.")
    error: AuditJobErrorOut | None = Field(description="Why the job failed; null unless status is failed.")
    summary: dict[str, Any] | None = Field(description="rows_in, rows_out, by_status, by_reason once done.")
    links: dict[str, str]


class AuditJobListOut(BaseModel):
    audits: list[AuditJobOut] = Field(description="The merchant's audits, newest first.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in {
        401: "No API key, or an unknown one",
        403: "The API key was revoked",
        413: "The request body is too large",
        422: "The request is malformed or the input cannot be used",
    }.items()
}
