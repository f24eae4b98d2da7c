"""Back office: privacy (see the module's routes)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/officer", tags=["back office"])
