"""Shared pieces of the apps' ninja routers."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination

from nongsan.core.errors import ApplicationError

F = TypeVar("F", bound=Callable[..., Any])


def refused_is_403(func: F) -> F:
    """A service refusing the caller (code "forbidden") answers 403, not 400."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ApplicationError as exc:
            if exc.code == "forbidden":
                raise HttpError(403, exc.message) from exc
            raise

    return wrapper  # type: ignore[return-value]


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset paging with bounds, so that an absurd number answers 422, not a database
    overflow: at most MAX_LIMIT items a page, offsets up to MAX_OFFSET."""

    MAX_LIMIT = 500
    MAX_OFFSET = 10_000_000

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=self.MAX_LIMIT, **kwargs)
