"""Celery entry points of the support app."""

from celery import shared_task

from nongsan.support import services


@shared_task(name="support.overdue_remind", ignore_result=True)
def overdue_remind() -> int:
    """Each morning: remind the Ministry of difficulties past their due date."""
    return services.overdue_remind()
