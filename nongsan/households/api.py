"""The households API."""

from ninja import Router

router = Router(tags=["households"])
