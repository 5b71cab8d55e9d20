"""Celery entry points of the catalog: call the service."""

from celery import shared_task

from nongsan.catalog import services


@shared_task(name="catalog.certifications_expire", ignore_result=True)
def certifications_expire() -> int:
    """Daily, just after midnight (Asia/Ho_Chi_Minh): lapsed OCOP certificates lose their stars."""
    return services.products_certifications_expire()
