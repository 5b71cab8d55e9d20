"""Celery entry points of the lending app."""

from celery import shared_task

from nongsan.lending import services


@shared_task(name="lending.submit", ignore_result=True)
def loan_submit(*, application_id: int) -> None:
    """After an application is made: hand it to the lender."""
    services.loan_submit(application_id=application_id)


@shared_task(name="lending.sync", ignore_result=True)
def sync() -> int:
    """Every fifteen minutes: follow the lender's decisions, disbursements and repayments."""
    return services.loans_sync_open()
