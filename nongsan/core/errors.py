"""The one error type that services raise for a broken business rule."""


class ApplicationError(Exception):
    """A rule the caller broke, with a message for the user and the field it concerns."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message
