"""The monitoring API."""

from ninja import Router

router = Router(tags=["monitoring"])
