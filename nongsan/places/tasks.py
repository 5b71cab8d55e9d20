"""Celery entry points of the places jobs."""

from celery import shared_task

from nongsan.places import services


@shared_task(name="places.digital_addresses_assign")
def digital_addresses_assign() -> dict[str, int]:
    return services.digital_addresses_assign()


@shared_task(name="places.sales_points_sync")
def sales_points_sync() -> dict[str, int]:
    return services.sales_points_sync()
