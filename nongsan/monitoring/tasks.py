"""Celery entry points: fold new source records into facts on a schedule."""

from celery import shared_task

from nongsan.monitoring import services


@shared_task
def facts_fold() -> int:
    """Returns the watermark reached, for the task's result log."""
    return services.facts_fold().watermark
