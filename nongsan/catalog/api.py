"""The catalog API."""

from ninja import Router

router = Router(tags=["catalog"])
