"""Placeholder until the warehouse module lands."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
