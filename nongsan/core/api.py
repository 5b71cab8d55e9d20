"""Shared pieces of the apps' ninja routers."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ninja.errors import HttpError

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
