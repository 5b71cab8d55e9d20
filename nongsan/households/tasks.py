"""Celery entry points of the households app: load ids, call the service."""

from celery import shared_task

from nongsan.households import importing


@shared_task(name="households.import_run", ignore_result=True)
def import_run(*, job_id: int) -> None:
    """Import a queued household list; the job records progress, counts and failure."""
    importing.import_job_run(job_id=job_id)
