"""Celery entry points of the shipping app."""

from celery import shared_task

from nongsan.shipping import services


@shared_task(name="shipping.freshness_check", ignore_result=True)
def freshness_check() -> dict[str, int]:
    """Every five minutes: alert on parcels running out of freshness, open claims on breaches."""
    return services.freshness_check()
