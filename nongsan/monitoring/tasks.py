"""Celery entry points: fold new source records into facts, remind provinces to file."""

from celery import shared_task

from nongsan.monitoring import services


@shared_task(name="monitoring.facts_fold", ignore_result=True)
def facts_fold() -> int:
    """Returns the watermark reached, for the task's result log."""
    return services.facts_fold().watermark


@shared_task(name="monitoring.filing_reminders_send", ignore_result=True)
def filing_reminders_send() -> int:
    return services.filing_reminders_send()
