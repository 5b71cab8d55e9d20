"""Celery entry points of the orders app."""

from celery import shared_task

from nongsan.orders import services


@shared_task(name="orders.complete_due", ignore_result=True)
def complete_due() -> int:
    """Complete sub-orders delivered three days ago that the buyer neither completed nor
    disputed: the households' money then reaches their balance."""
    return services.sub_orders_complete_due()
