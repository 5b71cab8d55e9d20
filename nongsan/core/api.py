"""Shared pieces of the apps' ninja routers."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from nongsan.core.errors import ApplicationError
from nongsan.core.text import clean_text, forbidden_character

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


def _checked(value: Any, path: str, problems: list[tuple[str, str]]) -> Any:
    """`value` with its text in NFC; text that is not typed text is kept as it came and noted
    in `problems` (the first one is refused by `refuse_untyped_text`)."""
    if isinstance(value, str):
        reason = forbidden_character(value)
        if reason is not None:
            problems.append((path, reason))
            return value
        return clean_text(value)
    if isinstance(value, dict):
        return {
            _checked(key, path, problems): _checked(
                item, f"{path}.{key}" if path else str(key), problems
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_checked(item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
    return value


class TextCheckingParser(Parser):
    """JSON bodies as every API operation receives them: text in NFC; text with control,
    bidi-override, zero-width or lone-surrogate characters is noted on the request, and
    `refuse_untyped_text` refuses the operation naming the field before it runs (a parser's own
    exceptions are all turned into "Cannot parse request body" by ninja)."""

    def parse_body(self, request: HttpRequest) -> Any:
        problems: list[tuple[str, str]] = []
        data = _checked(super().parse_body(request), "", problems)
        if problems:
            request.untyped_text = problems[0]  # type: ignore[attr-defined]  # read below
        return data


def refuse_untyped_text(func: F) -> F:
    """Every API operation: a body with text that is not typed text answers 400 naming the
    field; nothing of it reaches a service or the database."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        problem = getattr(request, "untyped_text", None)
        if problem is not None:
            path, reason = problem
            raise ApplicationError(f"Trường “{path or 'thân yêu cầu'}” {reason}.", field=path)
        return func(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
