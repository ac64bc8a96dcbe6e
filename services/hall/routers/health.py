from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.hall.bootstrap import Hall
from services.hall.deps import get_hall
from services.hall.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(hall: Annotated[Hall, Depends(get_hall)]) -> HealthOut:
    """Always 200: `ok` is false (and `database` says why) when the store is unusable."""
    return HealthOut(**hall.health())
