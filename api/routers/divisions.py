"""``/v1/divisions``: the division tree, one level at a time, for address pickers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from addrcheck import gazetteer
from api.deps import MerchantDep
from api.errors import ApiError, JsonResponse
from api.schemas import ERROR_RESPONSES, DivisionListOut, ErrorOut

router = APIRouter(prefix="/v1/divisions", tags=["divisions"], responses=ERROR_RESPONSES)


@router.get(
    "",
    response_model=DivisionListOut,
    summary="Children of a division (or the provinces)",
    responses={404: {"model": ErrorOut, "description": "No division has this code (DIVISION_NOT_FOUND)"}},
)
def list_divisions(
    merchant: MerchantDep,
    parent: Annotated[
        str | None,
        Query(
            description="Division code: 2 digits (province), 4 (city), 6 (county) or 9 (township). "
            "Omit it for the provinces.",
            pattern=r"^[0-9]{2,12}$",
        ),
    ] = None,
) -> Response:
    """The divisions directly below ``parent``, with codes; 404 DIVISION_NOT_FOUND for an unknown code."""
    parent_division = None
    if parent is not None:
        parent_division = gazetteer.get_division(parent)
        if parent_division is None:
            raise ApiError(
                404, "DIVISION_NOT_FOUND", f"No division has the code {parent}.", {"parent": parent}
            )
    children = gazetteer.children(parent)
    return JsonResponse(
        {
            "parent": parent_division.to_dict() if parent_division else None,
            "children": [child.to_dict() for child in children],
        }
    )
