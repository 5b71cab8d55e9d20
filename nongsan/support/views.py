"""Portal pages (public, light, no JavaScript) and the difficulties channel's pages (thin: parse,
call one service or selector, render)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.accounts.models import Role
from nongsan.accounts.scope import agent_commune_ids
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.geo.models import Commune
from nongsan.support import guides, selectors, services
from nongsan.support.forms import (
    AssignForm,
    FaqForm,
    FilterForm,
    RaiseForm,
    ReasonForm,
    ReplyForm,
)
from nongsan.support.models import Attachment, Difficulty

LIST_LIMIT = 100

# --- The difficulties channel -----------------------------------------------------------------


@login_required
def difficulty_list_view(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.difficulty_list(
        actor=request.user,
        status=filters.get("status", ""),
        topic=filters.get("topic", ""),
        overdue=bool(filters.get("overdue")),
    )
    return render(
        request,
        "support/difficulty_list.html",
        {
            "form": form,
            "difficulties": rows[:LIST_LIMIT],
            "counts": selectors.difficulty_counts(actor=request.user),
            "may_raise": request.user.role in services.RAISER_ROLES,  # type: ignore[union-attr]
            "today": timezone.localdate(),
        },
    )


def _raise_form_args(user: object) -> dict[str, object]:
    role = getattr(user, "role", "")
    communes = None
    if role == Role.FIELD_AGENT:
        ids = agent_commune_ids(user)  # type: ignore[arg-type]
        if ids:
            communes = Commune.objects.filter(pk__in=ids).order_by("name")
        else:
            communes = Commune.objects.filter(province_id=user.province_id).order_by("name")  # type: ignore[attr-defined]
    show_province = role in (Role.MARKETPLACE_OPERATOR, Role.CARRIER_STAFF)
    return {"communes": communes, "show_province": show_province}


@login_required
@require_http_methods(["GET", "POST"])
def difficulty_raise_view(request: HttpRequest) -> HttpResponse:
    if request.user.role not in services.RAISER_ROLES:  # type: ignore[union-attr]
        raise PermissionDenied(_("Vai trò của bạn không gửi khó khăn, vướng mắc."))
    form = RaiseForm(request.POST or None, request.FILES or None, **_raise_form_args(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            difficulty = services.difficulty_raise(
                actor=request.user,  # type: ignore[arg-type]
                topic=data["topic"],
                title=data["title"],
                description=data["description"],
                province=data.get("province"),
                commune=data.get("commune"),
                attachments=data["attachments"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Đã gửi %(number)s tới Bộ TTTT.") % {"number": difficulty.number}
            )
            return redirect("support:difficulty", number=difficulty.number)
    return render(request, "support/raise.html", {"form": form})


def _detail_context(request: HttpRequest, difficulty: Difficulty, **forms: object) -> dict:
    user = request.user
    ministry = services.is_ministry(user)
    raiser = services.is_raiser_side(user, difficulty)
    closed = difficulty.status == Difficulty.Status.CLOSED
    context = {
        "d": difficulty,
        "thread": selectors.message_list(difficulty=difficulty),
        "changes": difficulty.changes.select_related("by"),
        "is_ministry": ministry,
        "may_answer": services.may_answer(user, difficulty) and not closed,
        "may_write": (raiser or services.may_answer(user, difficulty)) and not closed,
        "may_assign": ministry and difficulty.status in services.PENDING,
        "may_close": (raiser or ministry) and not closed,
        "may_reopen": (raiser or ministry)
        and difficulty.status in (Difficulty.Status.ANSWERED, Difficulty.Status.CLOSED),
        "may_publish": ministry
        and difficulty.status in (Difficulty.Status.ANSWERED, Difficulty.Status.CLOSED),
        "reply_form": ReplyForm(),
        "assign_form": AssignForm(
            initial={
                "assigned_unit": difficulty.assigned_unit,
                "assigned_marketplace": difficulty.assigned_marketplace_id,
                "due_on": difficulty.due_on,
            }
        ),
        "reason_form": ReasonForm(),
        "faq_form": FaqForm(
            initial={
                "faq_question": difficulty.faq_question or difficulty.description,
                "faq_answer": difficulty.faq_answer,
            }
        ),
    }
    context.update(forms)
    return context


@login_required
def difficulty_view(request: HttpRequest, number: str) -> HttpResponse:
    difficulty = selectors.difficulty_get_for(actor=request.user, number=number)
    return render(request, "support/difficulty.html", _detail_context(request, difficulty))


def _post(
    request: HttpRequest, number: str, form_name: str, form: object, call: object
) -> HttpResponse:
    """Run one action on a difficulty; a broken rule shows the page again with the form's error."""
    difficulty = selectors.difficulty_get_for(actor=request.user, number=number)
    if form.is_valid():  # type: ignore[attr-defined]
        try:
            call(difficulty, form.cleaned_data)  # type: ignore[attr-defined, operator]
        except ApplicationError as error:
            form_error(form, error)  # type: ignore[arg-type]
        else:
            return redirect("support:difficulty", number=number)
    context = _detail_context(request, difficulty, **{form_name: form})
    return render(request, "support/difficulty.html", context, status=400)


@login_required
@require_POST
def reply_view(request: HttpRequest, number: str) -> HttpResponse:
    answer = request.POST.get("answer") == "1"

    def call(difficulty: Difficulty, data: dict) -> None:
        services.difficulty_reply(
            actor=request.user,  # type: ignore[arg-type]
            difficulty=difficulty,
            body=data["body"],
            answer=answer,
            attachments=data["attachments"],
        )
        messages.success(request, _("Đã gửi trả lời.") if answer else _("Đã gửi tin nhắn."))

    form = ReplyForm(request.POST, request.FILES)
    return _post(request, number, "reply_form", form, call)


@login_required
@require_POST
def assign_view(request: HttpRequest, number: str) -> HttpResponse:
    def call(difficulty: Difficulty, data: dict) -> None:
        services.difficulty_assign(
            actor=request.user,  # type: ignore[arg-type]
            difficulty=difficulty,
            unit=data["assigned_unit"],
            marketplace=data["assigned_marketplace"],
            due_on=data["due_on"],
        )
        messages.success(request, _("Đã giao xử lý."))

    return _post(request, number, "assign_form", AssignForm(request.POST), call)


@login_required
@require_POST
def close_view(request: HttpRequest, number: str) -> HttpResponse:
    difficulty = selectors.difficulty_get_for(actor=request.user, number=number)
    try:
        services.difficulty_close(actor=request.user, difficulty=difficulty)  # type: ignore[arg-type]
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã đóng %(number)s.") % {"number": number})
    return redirect("support:difficulty", number=number)


@login_required
@require_POST
def reopen_view(request: HttpRequest, number: str) -> HttpResponse:
    def call(difficulty: Difficulty, data: dict) -> None:
        services.difficulty_reopen(
            actor=request.user,  # type: ignore[arg-type]
            difficulty=difficulty,
            reason=data["reason"],
        )
        messages.success(request, _("Đã mở lại."))

    return _post(request, number, "reason_form", ReasonForm(request.POST), call)


@login_required
@require_POST
def faq_publish_view(request: HttpRequest, number: str) -> HttpResponse:
    if request.POST.get("unpublish") == "1":
        difficulty = selectors.difficulty_get_for(actor=request.user, number=number)
        try:
            services.faq_unpublish(actor=request.user, difficulty=difficulty)  # type: ignore[arg-type]
        except ApplicationError as error:
            raise PermissionDenied(error.message) from error
        messages.success(request, _("Đã gỡ khỏi trang hỏi đáp."))
        return redirect("support:difficulty", number=number)

    def call(difficulty: Difficulty, data: dict) -> None:
        services.faq_publish(
            actor=request.user,  # type: ignore[arg-type]
            difficulty=difficulty,
            question=data["faq_question"],
            answer=data["faq_answer"],
        )
        messages.success(request, _("Đã đăng lên trang hỏi đáp."))

    return _post(request, number, "faq_form", FaqForm(request.POST), call)


@login_required
def attachment_view(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """Attachments are served only to those who may see the difficulty."""
    difficulty = selectors.difficulty_get_for(actor=request.user, number=number)
    attachment = Attachment.objects.filter(pk=attachment_id, message__difficulty=difficulty).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- The public portal ------------------------------------------------------------------------


def portal_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "support/portal.html",
        {
            "guides": guides.GUIDES,
            "news": selectors.news_list()[:3],
            "faq": selectors.faq_list()[:3],
            "stats": selectors.public_stats(),
        },
    )


def faq_view(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic", "")
    if topic not in Difficulty.Topic.values:
        topic = ""
    return render(
        request,
        "support/faq.html",
        {
            "items": selectors.faq_list(topic=topic)[:200],
            "topics": Difficulty.Topic.choices,
            "topic": topic,
        },
    )


def guide_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "support/guides.html", {"guides": guides.GUIDES})


def guide_view(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "support/guide.html", {"guide": guides.guide_get(slug)})


def news_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "support/news_list.html", {"news": selectors.news_list()[:50]})


def news_view(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "support/news_item.html", {"item": selectors.news_get(slug=slug)})


def stats_view(request: HttpRequest) -> HttpResponse:
    widget_url = request.build_absolute_uri(reverse("support:widget"))
    return render(
        request,
        "support/stats.html",
        {"stats": selectors.public_stats(), "widget_url": widget_url},
    )


@xframe_options_exempt
@cache_page(300)
def widget_view(request: HttpRequest) -> HttpResponse:
    """A small self-contained card a province's website shows in an iframe."""
    return render(request, "support/widget.html", {"stats": selectors.public_stats()})
