"""Every write of the difficulties channel: raising, triage and assignment, the thread, answers,
closing and reopening, and publishing an answer to the public FAQ.

States follow `TRANSITIONS`; every change leaves a `StatusChange` row and notifies the other side.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nongsan.accounts import services as accounts_services
from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import agent_commune_ids
from nongsan.core.errors import ApplicationError
from nongsan.core.text import normalize
from nongsan.geo.models import Commune, Province
from nongsan.orgs.models import Marketplace
from nongsan.support.models import Attachment, Difficulty, Message, StatusChange

Status = Difficulty.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.CLOSED, Status.OPEN, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.OPEN, Status.IN_PROGRESS}),
}
PENDING = frozenset({Status.OPEN, Status.IN_PROGRESS})

RAISER_ROLES: dict[str, str] = {
    Role.PROVINCE_OFFICIAL: Difficulty.RaisedAs.PROVINCE,
    Role.FIELD_AGENT: Difficulty.RaisedAs.COMMUNE,
    Role.MARKETPLACE_OPERATOR: Difficulty.RaisedAs.MARKETPLACE,
    Role.CARRIER_STAFF: Difficulty.RaisedAs.CARRIER,
}

# Attachments: what a locality sends (photos, scanned letters, spreadsheets), checked by content.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "csv": (),  # text: checked by decoding instead
    "txt": (),
}


# --- Who may do what --------------------------------------------------------------------------


def is_ministry(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_superuser or actor.role == Role.MINISTRY_OFFICIAL)
    )


def is_raiser_side(actor: Any, difficulty: Difficulty) -> bool:
    """The person who raised it, or a colleague of the same office or organisation."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.pk == difficulty.raised_by_id:
        return True
    raised_as = difficulty.raised_as
    if raised_as == Difficulty.RaisedAs.PROVINCE:
        return actor.role == Role.PROVINCE_OFFICIAL and actor.province_id == difficulty.province_id
    if raised_as == Difficulty.RaisedAs.COMMUNE:
        return actor.role == Role.FIELD_AGENT and difficulty.commune_id in agent_commune_ids(actor)
    if raised_as == Difficulty.RaisedAs.MARKETPLACE:
        return (
            actor.role == Role.MARKETPLACE_OPERATOR
            and actor.marketplace_id == difficulty.marketplace_id
        )
    return actor.role == Role.CARRIER_STAFF and actor.carrier_id == difficulty.carrier_id


def is_assignee(actor: Any, difficulty: Difficulty) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and difficulty.assigned_marketplace_id is not None
        and actor.role == Role.MARKETPLACE_OPERATOR
        and actor.marketplace_id == difficulty.assigned_marketplace_id
    )


def may_answer(actor: Any, difficulty: Difficulty) -> bool:
    return is_ministry(actor) or is_assignee(actor, difficulty)


def _refuse() -> ApplicationError:
    return ApplicationError(_("Bạn không có quyền làm việc này."), code="forbidden")


# --- Helpers ----------------------------------------------------------------------------------


def _url(difficulty: Difficulty) -> str:
    return reverse("support:difficulty", args=[difficulty.number])


def _ministry_users() -> list[User]:
    return list(User.objects.filter(role=Role.MINISTRY_OFFICIAL, is_active=True))


def _assignee_users(difficulty: Difficulty) -> list[User]:
    if difficulty.assigned_marketplace_id is None:
        return []
    return list(
        User.objects.filter(
            role=Role.MARKETPLACE_OPERATOR,
            marketplace_id=difficulty.assigned_marketplace_id,
            is_active=True,
        )
    )


def _notify(*, users: Sequence[User], message: str, difficulty: Difficulty, actor: User) -> None:
    seen: set[int] = set()
    notices = []
    for user in users:
        if user.pk in seen or user.pk == actor.pk:
            continue
        seen.add(user.pk)
        notices.append(accounts_services.Notice(user=user, message=message, url=_url(difficulty)))
    if notices:
        accounts_services.notify(notices=notices)


def _transition(*, difficulty: Difficulty, to: str, actor: User, note: str = "") -> None:
    if to not in TRANSITIONS[difficulty.status]:
        raise ApplicationError(
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
            % {"from": Status(difficulty.status).label, "to": Status(to).label},
            field="status",
            code="invalid_transition",
        )
    now = timezone.now()
    StatusChange.objects.create(
        difficulty=difficulty,
        from_status=difficulty.status,
        to_status=to,
        by=actor,
        note=note[:300],
        at=now,
    )
    difficulty.status = to
    difficulty.updated_at = now
    if to == Status.ANSWERED:
        difficulty.answered_at = now
    if to == Status.CLOSED:
        difficulty.closed_at = now
    if to in PENDING:
        difficulty.closed_at = None


def _check_attachments(files: Sequence[Any]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ApplicationError(
            _("Tối đa %(n)s tệp đính kèm mỗi lần gửi.") % {"n": MAX_ATTACHMENTS},
            field="attachments",
        )
    allowed = ", ".join(sorted(_SIGNATURES))
    for upload in files:
        name = str(getattr(upload, "name", "") or "")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in _SIGNATURES:
            raise ApplicationError(
                _("Tệp “%(name)s”: chỉ nhận các loại %(allowed)s.")
                % {"name": name, "allowed": allowed},
                field="attachments",
            )
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ApplicationError(
                _("Tệp “%(name)s” lớn quá %(mb)s MB.")
                % {"name": name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="attachments",
            )
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        signatures = _SIGNATURES[extension]
        if signatures and not any(head.startswith(sign) for sign in signatures):
            raise ApplicationError(
                _("Tệp “%(name)s” không đúng định dạng %(ext)s.")
                % {"name": name, "ext": extension},
                field="attachments",
            )
        if not signatures:
            try:
                head.decode("utf-8")
            except UnicodeDecodeError:
                if b"\x00" in head:
                    raise ApplicationError(
                        _("Tệp “%(name)s” không phải tệp văn bản.") % {"name": name},
                        field="attachments",
                    ) from None


def _add_message(
    *, difficulty: Difficulty, author: User, body: str, files: Sequence[Any], is_answer: bool
) -> Message:
    message = Message.objects.create(
        difficulty=difficulty, author=author, body=body, is_answer=is_answer
    )
    for upload in files:
        Attachment.objects.create(
            message=message,
            file=upload,
            name=str(upload.name)[-200:],
            size=upload.size,
        )
    return message


def _clean_body(body: str, *, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Nội dung đang để trống."), field=field)
    if len(body) > 10000:
        raise ApplicationError(_("Nội dung dài quá 10.000 ký tự."), field=field)
    return body


# --- Use cases --------------------------------------------------------------------------------


@transaction.atomic
def difficulty_raise(
    *,
    actor: User,
    topic: str,
    title: str,
    description: str,
    province: Province | None = None,
    commune: Commune | None = None,
    attachments: Sequence[Any] = (),
) -> Difficulty:
    """A province, a commune, a marketplace or a carrier raises a difficulty to the Ministry."""
    raised_as = RAISER_ROLES.get(actor.role)
    if raised_as is None or not actor.is_active:
        raise ApplicationError(
            _("Chỉ Sở TTTT, cán bộ xã, sàn TMĐT và đơn vị vận chuyển gửi khó khăn, vướng mắc."),
            code="forbidden",
        )
    if topic not in Difficulty.Topic.values:
        raise ApplicationError(_("Hãy chọn chủ đề."), field="topic")
    title = normalize(title)
    if not title:
        raise ApplicationError(_("Tiêu đề đang để trống."), field="title")
    if len(title) > 200:
        raise ApplicationError(_("Tiêu đề dài quá 200 ký tự."), field="title")
    description = _clean_body(description, field="description")
    _check_attachments(attachments)
    if raised_as == Difficulty.RaisedAs.PROVINCE:
        province, commune = actor.province, None
    elif raised_as == Difficulty.RaisedAs.COMMUNE:
        own = agent_commune_ids(actor)
        if commune is None and len(own) == 1:
            commune = Commune.objects.get(pk=next(iter(own)))
        if commune is None:
            raise ApplicationError(_("Hãy chọn xã/phường gặp khó khăn."), field="commune")
        in_province = own == frozenset() and commune.province_id == actor.province_id
        if commune.pk not in own and not in_province:
            raise ApplicationError(
                _("%(commune)s không thuộc địa bàn bạn phụ trách.") % {"commune": commune.name},
                field="commune",
                code="forbidden",
            )
        province = commune.province
    else:
        commune = None
    now = timezone.now()
    difficulty = Difficulty(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        topic=topic,
        title=title,
        description=description,
        raised_by=actor,
        raised_as=raised_as,
        province=province,
        commune=commune,
        marketplace=actor.marketplace if raised_as == Difficulty.RaisedAs.MARKETPLACE else None,
        carrier=actor.carrier if raised_as == Difficulty.RaisedAs.CARRIER else None,
        due_on=timezone.localdate(now) + dt.timedelta(days=settings.SUPPORT["DUE_DAYS"]),
        created_at=now,
        updated_at=now,
    )
    difficulty.full_clean(exclude=["number"])
    difficulty.save()
    difficulty.number = f"KK{timezone.localdate(now):%y}-{difficulty.pk:06d}"
    difficulty.save(update_fields=["number"])
    StatusChange.objects.create(
        difficulty=difficulty, from_status="", to_status=Status.OPEN, by=actor, at=now
    )
    if attachments:
        _add_message(
            difficulty=difficulty,
            author=actor,
            body=_("Tệp đính kèm của nội dung gửi."),
            files=attachments,
            is_answer=False,
        )
    _notify(
        users=_ministry_users(),
        message=_("Khó khăn mới %(number)s: %(title)s")
        % {"number": difficulty.number, "title": title},
        difficulty=difficulty,
        actor=actor,
    )
    return difficulty


@transaction.atomic
def difficulty_assign(
    *,
    actor: User,
    difficulty: Difficulty,
    unit: str = "",
    marketplace: Marketplace | None = None,
    due_on: dt.date | None = None,
) -> Difficulty:
    """The Ministry triages: hands it to one of its units or to a marketplace, sets the due date."""
    if not is_ministry(actor):
        raise _refuse()
    difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    unit = normalize(unit)
    if not unit and marketplace is None:
        raise ApplicationError(
            _("Hãy giao cho một đơn vị hoặc một sàn TMĐT."), field="assigned_unit"
        )
    if len(unit) > 200:
        raise ApplicationError(_("Tên đơn vị dài quá 200 ký tự."), field="assigned_unit")
    if due_on is not None and due_on < timezone.localdate(difficulty.created_at):
        raise ApplicationError(_("Hạn trả lời trước ngày gửi."), field="due_on")
    if difficulty.status == Status.OPEN:
        _transition(difficulty=difficulty, to=Status.IN_PROGRESS, actor=actor, note=unit)
    elif difficulty.status != Status.IN_PROGRESS:
        raise ApplicationError(
            _("Chỉ giao xử lý khó khăn đang chờ trả lời."),
            field="status",
            code="invalid_transition",
        )
    difficulty.assigned_unit = unit
    difficulty.assigned_marketplace = marketplace
    if due_on is not None:
        difficulty.due_on = due_on
    difficulty.updated_at = timezone.now()
    difficulty.save()
    text = _("%(number)s được giao cho %(who)s, hạn trả lời %(due)s.") % {
        "number": difficulty.number,
        "who": ", ".join(part for part in (unit, marketplace.name if marketplace else "") if part),
        "due": f"{difficulty.due_on:%d/%m/%Y}",
    }
    _notify(
        users=[difficulty.raised_by, *_assignee_users(difficulty)],
        message=text,
        difficulty=difficulty,
        actor=actor,
    )
    return difficulty


@transaction.atomic
def difficulty_reply(
    *,
    actor: User,
    difficulty: Difficulty,
    body: str,
    answer: bool = False,
    attachments: Sequence[Any] = (),
) -> Message:
    """A message in the thread; an answer (the Ministry or the assigned marketplace) marks the
    difficulty answered."""
    difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    raiser = is_raiser_side(actor, difficulty)
    answerer = may_answer(actor, difficulty)
    if not (raiser or answerer):
        raise _refuse()
    if answer and not answerer:
        raise _refuse()
    if difficulty.status == Status.CLOSED:
        raise ApplicationError(
            _("Khó khăn này đã đóng; hãy mở lại trước khi viết thêm."),
            field="body",
            code="invalid_transition",
        )
    body = _clean_body(body)
    _check_attachments(attachments)
    if answer and difficulty.status != Status.ANSWERED:
        _transition(difficulty=difficulty, to=Status.ANSWERED, actor=actor)
    difficulty.updated_at = timezone.now()
    if answer:
        difficulty.answered_at = difficulty.updated_at
    difficulty.save()
    message = _add_message(
        difficulty=difficulty, author=actor, body=body, files=attachments, is_answer=answer
    )
    if answerer:
        users = [difficulty.raised_by]
        if is_assignee(actor, difficulty):
            users += _ministry_users()
        template = (
            _("%(number)s đã có trả lời: %(title)s")
            if answer
            else _("%(number)s có tin nhắn mới: %(title)s")
        )
    else:
        users = [*_ministry_users(), *_assignee_users(difficulty)]
        template = _("%(number)s có tin nhắn mới từ bên gửi: %(title)s")
    _notify(
        users=users,
        message=template % {"number": difficulty.number, "title": difficulty.title},
        difficulty=difficulty,
        actor=actor,
    )
    return message


@transaction.atomic
def difficulty_close(*, actor: User, difficulty: Difficulty, note: str = "") -> Difficulty:
    difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    raiser = is_raiser_side(actor, difficulty)
    if not (raiser or is_ministry(actor)):
        raise _refuse()
    _transition(difficulty=difficulty, to=Status.CLOSED, actor=actor, note=normalize(note))
    difficulty.save()
    users = [*_ministry_users(), *_assignee_users(difficulty)] if raiser else [difficulty.raised_by]
    _notify(
        users=users,
        message=_("%(number)s đã đóng.") % {"number": difficulty.number},
        difficulty=difficulty,
        actor=actor,
    )
    return difficulty


@transaction.atomic
def difficulty_reopen(*, actor: User, difficulty: Difficulty, reason: str) -> Difficulty:
    """The raising side (or the Ministry) is not satisfied: back to work, with the reason."""
    difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    raiser = is_raiser_side(actor, difficulty)
    if not (raiser or is_ministry(actor)):
        raise _refuse()
    reason = _clean_body(reason, field="reason")
    assigned = bool(difficulty.assigned_unit or difficulty.assigned_marketplace_id)
    target = Status.IN_PROGRESS if assigned else Status.OPEN
    if difficulty.status not in (Status.ANSWERED, Status.CLOSED):
        raise ApplicationError(
            _("Chỉ mở lại khó khăn đã trả lời hoặc đã đóng."),
            field="status",
            code="invalid_transition",
        )
    _transition(difficulty=difficulty, to=target, actor=actor, note=reason)
    today = timezone.localdate()
    if difficulty.due_on < today:
        difficulty.due_on = today + dt.timedelta(days=settings.SUPPORT["DUE_DAYS"])
    difficulty.save()
    _add_message(
        difficulty=difficulty,
        author=actor,
        body=_("Mở lại: %(reason)s") % {"reason": reason},
        files=(),
        is_answer=False,
    )
    users = [*_ministry_users(), *_assignee_users(difficulty)] if raiser else [difficulty.raised_by]
    _notify(
        users=users,
        message=_("%(number)s được mở lại: %(reason)s")
        % {"number": difficulty.number, "reason": reason[:200]},
        difficulty=difficulty,
        actor=actor,
    )
    return difficulty


@transaction.atomic
def faq_publish(*, actor: User, difficulty: Difficulty, question: str, answer: str) -> Difficulty:
    """The Ministry publishes an answered difficulty to the public FAQ, in words fit for anyone."""
    if not is_ministry(actor):
        raise _refuse()
    if difficulty.status not in (Status.ANSWERED, Status.CLOSED):
        raise ApplicationError(
            _("Chỉ đăng lên hỏi đáp những khó khăn đã có trả lời."),
            field="status",
            code="invalid_transition",
        )
    difficulty.faq_question = _clean_body(question, field="faq_question")
    difficulty.faq_answer = _clean_body(answer, field="faq_answer")
    difficulty.faq_published_at = difficulty.faq_published_at or timezone.now()
    difficulty.save(update_fields=["faq_question", "faq_answer", "faq_published_at"])
    return difficulty


def faq_unpublish(*, actor: User, difficulty: Difficulty) -> Difficulty:
    if not is_ministry(actor):
        raise _refuse()
    difficulty.faq_published_at = None
    difficulty.save(update_fields=["faq_published_at"])
    return difficulty


def overdue_remind(*, today: dt.date | None = None) -> int:
    """Each morning: tell the Ministry (and assigned marketplaces) which difficulties are past
    their due date and still unanswered; the list pages highlight the same ones."""
    today = today or timezone.localdate()
    overdue = list(
        Difficulty.objects.filter(status__in=PENDING, due_on__lt=today)
        .select_related("assigned_marketplace")
        .order_by("due_on", "pk")
    )
    if not overdue:
        return 0
    notices = []
    numbers = ", ".join(d.number for d in overdue[:10]) + (" …" if len(overdue) > 10 else "")
    for user in _ministry_users():
        notices.append(
            accounts_services.Notice(
                user=user,
                message=_("%(n)s khó khăn, vướng mắc quá hạn trả lời: %(numbers)s")
                % {"n": len(overdue), "numbers": numbers},
                url=reverse("support:difficulties") + "?overdue=on",
            )
        )
    for difficulty in overdue:
        for user in _assignee_users(difficulty):
            notices.append(
                accounts_services.Notice(
                    user=user,
                    message=_("%(number)s quá hạn trả lời từ %(due)s.")
                    % {"number": difficulty.number, "due": f"{difficulty.due_on:%d/%m/%Y}"},
                    url=_url(difficulty),
                )
            )
    accounts_services.notify(notices=notices)
    return len(overdue)
