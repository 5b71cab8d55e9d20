"""The difficulties channel through its services: raising, the state machine, who may do what,
notifications to both sides, attachments and the public FAQ."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nongsan.accounts.models import Notification, Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.support import selectors, services
from nongsan.support.models import Difficulty, StatusChange
from nongsan.support.tests import factories

pytestmark = pytest.mark.django_db
Status = Difficulty.Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_commune_raises_and_every_ministry_official_is_told():
    ministry = factories.ministry()
    other_ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    assert difficulty.status == Status.OPEN
    assert difficulty.raised_as == Difficulty.RaisedAs.COMMUNE
    assert difficulty.commune_id in {c.pk for c in agent.communes.all()}
    assert difficulty.province_id == difficulty.commune.province_id
    assert difficulty.number.startswith("KK") and difficulty.number.endswith(f"{difficulty.pk:06d}")
    assert difficulty.due_on == timezone.localdate() + dt.timedelta(days=7)
    for user in (ministry, other_ministry):
        notice = Notification.objects.get(user=user)
        assert difficulty.number in notice.message
        assert notice.url == f"/kho-khan/{difficulty.number}/"
    assert not Notification.objects.filter(user=agent).exists()


def test_roles_that_cannot_raise_are_refused():
    for role in (Role.BUYER, Role.HOUSEHOLD, Role.MINISTRY_OFFICIAL):
        with pytest.raises(ApplicationError) as caught:
            factories.difficulty(actor=account_factories.user(role))
        assert caught.value.code == "forbidden"


def test_a_commune_agent_cannot_raise_for_a_commune_outside_their_area():
    agent = factories.commune_agent(0)
    with pytest.raises(ApplicationError) as caught:
        factories.difficulty(actor=agent, commune=account_factories.commune("Lạng Sơn", 5))
    assert caught.value.field == "commune"


def test_bad_input_names_the_field():
    agent = factories.commune_agent()
    for fields, field in (
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"topic": "weather"}, "topic"),
    ):
        with pytest.raises(ApplicationError) as caught:
            factories.difficulty(actor=agent, **fields)
        assert caught.value.field == field


def test_a_marketplace_and_a_carrier_raise_as_their_organisation():
    operator = account_factories.user(Role.MARKETPLACE_OPERATOR)
    carrier_staff = account_factories.user(Role.CARRIER_STAFF)
    lang_son = account_factories.province()
    by_marketplace = factories.difficulty(actor=operator, province=lang_son)
    by_carrier = factories.difficulty(actor=carrier_staff)
    assert by_marketplace.marketplace == operator.marketplace
    assert by_marketplace.province == lang_son
    assert by_carrier.carrier == carrier_staff.carrier and by_carrier.province is None


def test_the_full_journey_open_in_progress_answered_closed_reopened():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    difficulty = services.difficulty_assign(
        actor=ministry, difficulty=difficulty, unit="Cục Thương mại điện tử và Kinh tế số"
    )
    assert difficulty.status == Status.IN_PROGRESS
    services.difficulty_reply(
        actor=ministry, difficulty=difficulty, body="Bưu điện xã sẽ hỗ trợ mở ví.", answer=True
    )
    difficulty.refresh_from_db()
    assert difficulty.status == Status.ANSWERED and difficulty.answered_at is not None
    services.difficulty_close(actor=agent, difficulty=difficulty)
    difficulty.refresh_from_db()
    assert difficulty.status == Status.CLOSED and difficulty.closed_at is not None
    services.difficulty_reopen(actor=agent, difficulty=difficulty, reason="Vẫn chưa có ví.")
    difficulty.refresh_from_db()
    assert difficulty.status == Status.IN_PROGRESS  # it was assigned: back to its unit
    assert difficulty.closed_at is None
    history = list(
        StatusChange.objects.filter(difficulty=difficulty).values_list("from_status", "to_status")
    )
    assert history == [
        ("", Status.OPEN),
        (Status.OPEN, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.ANSWERED),
        (Status.ANSWERED, Status.CLOSED),
        (Status.CLOSED, Status.IN_PROGRESS),
    ]
    bodies = [m.body for m in selectors.message_list(difficulty=difficulty)]
    assert bodies == ["Bưu điện xã sẽ hỗ trợ mở ví.", "Mở lại: Vẫn chưa có ví."]


def test_transitions_outside_the_table_are_refused():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_reopen(actor=agent, difficulty=difficulty, reason="Thử")
    assert caught.value.code == "invalid_transition"
    services.difficulty_close(actor=ministry, difficulty=difficulty)
    difficulty.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_close(actor=agent, difficulty=difficulty)
    assert caught.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_reply(actor=agent, difficulty=difficulty, body="Còn đó không?")
    assert caught.value.code == "invalid_transition"
    with pytest.raises(ApplicationError):
        services.difficulty_assign(actor=ministry, difficulty=difficulty, unit="Cục")
    for status, allowed in services.TRANSITIONS.items():
        assert status not in allowed  # no state leads to itself


def test_only_the_ministry_or_the_assigned_marketplace_answers():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    colleague = account_factories.user(Role.FIELD_AGENT, communes=list(agent.communes.all()))
    postmart = account_factories.user(Role.MARKETPLACE_OPERATOR)
    voso = account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=account_factories.marketplace("voso", "Vỏ Sò")
    )
    difficulty = factories.difficulty(actor=agent)
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_reply(actor=agent, difficulty=difficulty, body="Xong", answer=True)
    assert caught.value.code == "forbidden"
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_reply(actor=postmart, difficulty=difficulty, body="Chúng tôi xử lý")
    assert caught.value.code == "forbidden"
    # A colleague of the same commune writes in the thread as the raising side.
    services.difficulty_reply(actor=colleague, difficulty=difficulty, body="Thêm 12 hộ nữa.")
    with pytest.raises(ApplicationError) as caught:
        services.difficulty_assign(actor=postmart, difficulty=difficulty, unit="Postmart")
    assert caught.value.code == "forbidden"
    services.difficulty_assign(
        actor=ministry, difficulty=difficulty, marketplace=postmart.marketplace
    )
    difficulty.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.difficulty_reply(actor=voso, difficulty=difficulty, body="?", answer=True)
    Notification.objects.all().delete()
    services.difficulty_reply(
        actor=postmart, difficulty=difficulty, body="Postmart mở ví giúp tại bưu cục.", answer=True
    )
    difficulty.refresh_from_db()
    assert difficulty.status == Status.ANSWERED
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {agent.pk, ministry.pk}  # the raiser, and the Ministry hears its assignee


def test_notifications_reach_the_other_side_only():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    Notification.objects.all().delete()
    services.difficulty_reply(actor=agent, difficulty=difficulty, body="Bổ sung danh sách hộ.")
    assert list(Notification.objects.values_list("user_id", flat=True)) == [ministry.pk]
    Notification.objects.all().delete()
    services.difficulty_reply(actor=ministry, difficulty=difficulty, body="Đã nhận.", answer=True)
    notice = Notification.objects.get()
    assert notice.user == agent and "đã có trả lời" in notice.message


def test_attachments_are_checked_by_kind_size_and_content():
    agent = factories.commune_agent()
    ok = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    difficulty = factories.difficulty(actor=agent, attachments=[ok])
    message = difficulty.messages.get()
    assert message.attachments.get().name == "anh.png"
    for upload, words in (
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "chỉ nhận"),
        (SimpleUploadedFile("anh.png", b"<html>not a png</html>"), "không đúng định dạng"),
        (SimpleUploadedFile("to.pdf", b"%PDF" + b"0" * services.MAX_ATTACHMENT_BYTES), "lớn quá"),
    ):
        with pytest.raises(ApplicationError) as caught:
            factories.difficulty(actor=agent, attachments=[upload])
        assert caught.value.field == "attachments" and words in caught.value.message
    many = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(services.MAX_ATTACHMENTS + 1)]
    with pytest.raises(ApplicationError):
        factories.difficulty(actor=agent, attachments=many)


def test_overdue_is_what_is_still_pending_past_its_due_date():
    ministry = factories.ministry()
    late = factories.difficulty()
    Difficulty.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    answered_late = factories.difficulty()
    services.difficulty_reply(actor=ministry, difficulty=answered_late, body="OK", answer=True)
    Difficulty.objects.filter(pk=answered_late.pk).update(
        due_on=timezone.localdate() - dt.timedelta(1)
    )
    factories.difficulty()
    overdue = selectors.difficulty_list(actor=ministry, overdue=True)
    assert [d.pk for d in overdue] == [late.pk]
    assert overdue[0].is_overdue
    counts = selectors.difficulty_counts(actor=ministry)
    assert (counts.open, counts.answered, counts.overdue) == (2, 1, 1)


def test_a_reopened_difficulty_past_its_due_date_gets_a_new_one():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    services.difficulty_reply(actor=ministry, difficulty=difficulty, body="OK", answer=True)
    Difficulty.objects.filter(pk=difficulty.pk).update(due_on=dt.date(2020, 1, 1))
    difficulty.refresh_from_db()
    services.difficulty_reopen(actor=agent, difficulty=difficulty, reason="Chưa xong")
    difficulty.refresh_from_db()
    assert difficulty.status == Status.OPEN and difficulty.due_on > timezone.localdate()


def test_the_ministry_publishes_answered_items_to_the_public_faq():
    ministry = factories.ministry()
    agent = factories.commune_agent()
    difficulty = factories.difficulty(actor=agent)
    with pytest.raises(ApplicationError) as caught:
        services.faq_publish(actor=ministry, difficulty=difficulty, question="?", answer="!")
    assert caught.value.code == "invalid_transition"
    services.difficulty_reply(actor=ministry, difficulty=difficulty, body="Trả lời", answer=True)
    difficulty.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        services.faq_publish(actor=agent, difficulty=difficulty, question="?", answer="!")
    assert caught.value.code == "forbidden"
    services.faq_publish(
        actor=ministry,
        difficulty=difficulty,
        question="Hộ không có điện thoại thông minh mở ví thế nào?",
        answer="Đến bưu điện văn hóa xã để được mở giúp.",
    )
    assert [d.pk for d in selectors.faq_list()] == [difficulty.pk]
    assert [d.pk for d in selectors.faq_list(topic=Difficulty.Topic.TRAINING)] == []
    services.faq_unpublish(actor=ministry, difficulty=difficulty)
    assert list(selectors.faq_list()) == []


def test_the_morning_reminder_lists_overdue_difficulties_to_the_ministry_and_assignees():
    ministry = factories.ministry()
    postmart = account_factories.user(Role.MARKETPLACE_OPERATOR)
    late = factories.difficulty()
    services.difficulty_assign(actor=ministry, difficulty=late, marketplace=postmart.marketplace)
    factories.difficulty()  # not yet due
    Difficulty.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    Notification.objects.all().delete()
    assert services.overdue_remind() == 1
    told = dict(Notification.objects.values_list("user_id", "message"))
    assert set(told) == {ministry.pk, postmart.pk}
    assert late.number in told[ministry.pk] and "quá hạn" in told[postmart.pk]
    Notification.objects.all().delete()
    services.difficulty_reply(actor=ministry, difficulty=late, body="Đã xử lý", answer=True)
    assert services.overdue_remind() == 0
