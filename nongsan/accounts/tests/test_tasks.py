import pytest
from celery.exceptions import Retry

from nongsan.accounts import services, tasks
from nongsan.accounts.models import Notification
from nongsan.accounts.tests import factories
from nongsan.core.sms import SandboxSmsProvider, SmsError


class RefusingGateway:
    """A gateway that is down."""

    def send(self, *, to, body):
        raise SmsError("SMS gateway unreachable: connection refused")


@pytest.mark.django_db
def test_notices_are_written_and_their_sms_queued_after_the_commit(
    _sms_outbox, django_capture_on_commit_callbacks
):
    user = factories.user(phone="+84912000111")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(notices=[services.Notice(user=user, message="Đơn mới", sms=True)])
    assert Notification.objects.filter(user=user, sent_by_sms=True).count() == 1
    assert not _sms_outbox and len(callbacks) == 1  # nothing is sent before the commit
    callbacks[0]()
    assert [(m.to, m.body) for m in _sms_outbox] == [("+84912000111", "Đơn mới")]


@pytest.mark.django_db
def test_a_gateway_that_is_down_neither_fails_the_request_nor_loses_the_notice(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_PROVIDER = f"{__name__}.RefusingGateway"
    user = factories.user(phone="+84912000222")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(notices=[services.Notice(user=user, message="Đơn mới", sms=True)])
    assert Notification.objects.filter(user=user).count() == 1


def test_a_worker_tries_a_refused_sms_again_later(settings):
    """Run as a worker runs it (not inline): the refusal asks for another try in 2^n x 2 min."""
    settings.SMS_PROVIDER = f"{__name__}.RefusingGateway"
    conf = tasks.sms_send.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    kwargs = {"to": "+84912000333", "body": "Ma xac nhan"}
    tasks.sms_send.push_request(
        id="sms-1", retries=2, is_eager=False, called_directly=False, kwargs=kwargs
    )
    try:
        with pytest.raises(Retry) as retried:
            tasks.sms_send.run(**kwargs)
    finally:
        tasks.sms_send.pop_request()
        conf.task_always_eager = eager
    assert retried.value.when == tasks.RETRY_SECONDS * 2**2


def test_a_refused_sms_of_a_batch_is_tried_again_alone(settings, monkeypatch, _sms_outbox):
    """Run as a worker runs it: the refused message is queued on its own for later, the ones
    sent are not sent again."""
    settings.SMS_PROVIDER = f"{__name__}.RefusingFirst"
    RefusingFirst.calls = 0
    queued = []
    monkeypatch.setattr(
        tasks.sms_send, "apply_async", lambda **kw: queued.append((kw["kwargs"], kw["countdown"]))
    )
    tasks.sms_send_all.push_request(id="batch-1", is_eager=False, called_directly=False)
    try:
        sent = tasks.sms_send_all.run(messages=[("+84912000444", "Một"), ("+84912000555", "Hai")])
    finally:
        tasks.sms_send_all.pop_request()
    assert sent == 1
    assert [m.to for m in _sms_outbox] == ["+84912000555"]
    assert queued == [({"to": "+84912000444", "body": "Một"}, tasks.RETRY_SECONDS)]


class RefusingFirst:
    """A gateway that refuses the first message it is given, then works."""

    calls = 0

    def send(self, *, to, body):
        RefusingFirst.calls += 1
        if RefusingFirst.calls == 1:
            raise SmsError("SMS gateway refused the message")
        return SandboxSmsProvider().send(to=to, body=body)


def test_a_login_code_is_not_sent_again_late(settings):
    """A code lives five minutes: a refused one is not retried (the person asks again)."""
    settings.SMS_PROVIDER = f"{__name__}.RefusingGateway"
    conf = tasks.sms_send.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    tasks.sms_send.push_request(id="otp-1", retries=0, is_eager=False, called_directly=False)
    try:
        returned = tasks.sms_send.run(to="+84912000666", body="Ma dang nhap 123456", retry=False)
    finally:
        tasks.sms_send.pop_request()
        conf.task_always_eager = eager
    assert returned is None  # no Retry raised


class BrokenGateway:
    """A gateway whose answer the adapter cannot read for one number."""

    def send(self, *, to, body):
        if to.endswith("777"):
            raise AttributeError("'list' object has no attribute 'get'")
        return SandboxSmsProvider().send(to=to, body=body)


def test_one_message_that_breaks_does_not_stop_the_others(settings, _sms_outbox):
    settings.SMS_PROVIDER = f"{__name__}.BrokenGateway"
    sent = tasks.sms_send_all.apply(
        kwargs={"messages": [("+84912000777", "Một"), ("+84912000888", "Hai")]}
    ).get()
    assert sent == 1 and [m.to for m in _sms_outbox] == ["+84912000888"]


@pytest.mark.django_db
def test_many_messages_go_as_jobs_of_a_hundred(monkeypatch):
    jobs = []
    monkeypatch.setattr(tasks.sms_send_all, "delay", lambda **kw: jobs.append(kw["messages"]))
    services._sms_queue([(f"+849120{i:05d}", "Tin khẩn") for i in range(250)])
    assert [len(job) for job in jobs] == [100, 100, 50]
