"""nongsan: farm households on e-commerce, and the Plan 1034 programme portal."""

from nongsan.celery import app as celery_app

__all__ = ["celery_app"]
