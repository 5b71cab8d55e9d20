"""Information pages: a household's feed on the phone (/tin/), editors' bulletins
(/tin/bien-tap/), the market price board (/gia/) with history, entry and CSV import, and a
household's own prices beside the board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.accounts.models import Role
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.geo.models import Province
from nongsan.households.models import Household, ProduceKind
from nongsan.info import charts, selectors, services
from nongsan.info.forms import BoardFilterForm, BulletinForm, MarketPriceForm, PriceImportForm
from nongsan.info.models import Bulletin

PAGE_SIZE = 20


def _household(request: HttpRequest) -> Household:
    household = selectors.household_of(request.user)
    if household is None:
        raise PermissionDenied(_("Trang này dành cho hộ sản xuất có hồ sơ trên nền tảng."))
    return household


def _editor(request: HttpRequest) -> None:
    if not selectors.may_edit(request.user):
        raise PermissionDenied(_("Trang này dành cho biên tập viên thông tin."))


# --- Households ---------------------------------------------------------------------------------


@login_required
def feed_view(request: HttpRequest) -> HttpResponse:
    household = _household(request)
    services.feed_record_delivery(household=household)
    page = Paginator(selectors.feed_for(household=household), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "info/feed.html", {"page": page, "household": household})


@login_required
def read_view(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    household = _household(request)
    bulletin = selectors.feed_item_get(household=household, bulletin_id=bulletin_id)
    services.bulletin_read(household=household, bulletin=bulletin)
    return render(request, "info/read.html", {"bulletin": bulletin})


@login_required
def my_prices_view(request: HttpRequest) -> HttpResponse:
    household = _household(request)
    return render(
        request,
        "info/my_prices.html",
        {"household": household, "rows": selectors.household_prices(household=household)},
    )


# --- Editors ------------------------------------------------------------------------------------


@login_required
def editor_list_view(request: HttpRequest) -> HttpResponse:
    _editor(request)
    bulletins = selectors.bulletin_list(
        actor=request.user, kind=request.GET.get("kind", ""), status=request.GET.get("status", "")
    )
    page = Paginator(bulletins, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "info/editor_list.html",
        {"page": page, "kinds": Bulletin.Kind.choices, "statuses": Bulletin.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def editor_create_view(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = BulletinForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = services.bulletin_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                is_urgent=data["is_urgent"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                is_nationwide=data.get("is_nationwide", False),
                provinces=list(data["provinces"]),
                communes=data["communes"],
                produce=list(data["produce"]),
                image=data["image"],
                attachment=data["attachment"],
                publish=data["publish"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Đã đăng bản tin.") if data["publish"] else _("Đã lưu bản nháp."),
            )
            return redirect("info:editor_detail", bulletin_id=bulletin.pk)
    return render(request, "info/editor_form.html", {"form": form, "bulletin": None})


@login_required
@require_http_methods(["GET", "POST"])
def editor_detail_view(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    initial = {
        "title": bulletin.title,
        "body": bulletin.body,
        "is_urgent": bulletin.is_urgent,
        "valid_until": bulletin.valid_until,
        "is_nationwide": bulletin.is_nationwide,
        "provinces": list(bulletin.provinces.all()),
        "communes": ", ".join(bulletin.communes.values_list("code", flat=True)),
        "produce": list(bulletin.produce.all()),
    }
    form = BulletinForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bulletin_update(
                actor=request.user,  # type: ignore[arg-type]
                bulletin=bulletin,
                title=data["title"],
                body=data["body"],
                is_urgent=data["is_urgent"],
                valid_until=data["valid_until"],
                is_nationwide=data.get("is_nationwide", False),
                provinces=list(data["provinces"]),
                communes=data["communes"],
                produce=list(data["produce"]),
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã cập nhật bản tin."))
            return redirect("info:editor_detail", bulletin_id=bulletin.pk)
    return render(
        request,
        "info/editor_form.html",
        {
            "form": form,
            "bulletin": bulletin,
            "stats": selectors.delivery_stats(bulletin=bulletin),
            "updates": bulletin.updates.all(),
        },
    )


@login_required
@require_POST
def editor_publish_view(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.bulletin_withdraw(actor=request.user, bulletin=bulletin)  # type: ignore[arg-type]
            messages.success(request, _("Đã gỡ bản tin."))
        else:
            services.bulletin_publish(actor=request.user, bulletin=bulletin)  # type: ignore[arg-type]
            messages.success(request, _("Đã đăng bản tin."))
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    return redirect("info:editor_detail", bulletin_id=bulletin.pk)


# --- Market prices ------------------------------------------------------------------------------


def board_view(request: HttpRequest) -> HttpResponse:
    """The price board, open to everyone (traders and buyers see what households see)."""
    form = BoardFilterForm(request.GET or None)
    province = produce = None
    if form.is_valid():
        province = form.cleaned_data["province"]
        produce = form.cleaned_data["produce"]
    return render(
        request,
        "info/board.html",
        {
            "form": form,
            "rows": selectors.price_board(province=province, produce=produce),
            "may_enter": request.user.is_authenticated
            and (request.user.is_superuser or request.user.role == Role.INFO_EDITOR),
        },
    )


def history_view(request: HttpRequest, produce_code: str, province_code: str) -> HttpResponse:
    produce = get_object_or_404(ProduceKind, code=produce_code)
    province = get_object_or_404(Province, code=province_code)
    days = 365 if request.GET.get("range") == "year" else 90
    history = selectors.price_history(produce=produce, province=province, days=days)
    title = _("Giá %(produce)s tại %(province)s") % {
        "produce": produce.name,
        "province": province.name,
    }
    return render(
        request,
        "info/history.html",
        {
            "produce": produce,
            "province": province,
            "history": list(reversed(history)),
            "days": days,
            "title": title,
            "chart": charts.price_chart([(p.day, p.price) for p in history], title=title),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_entry_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.role == Role.INFO_EDITOR):  # type: ignore[union-attr]
        raise PermissionDenied(_("Trang này dành cho biên tập viên thông tin."))
    form = MarketPriceForm(
        request.POST if "price" in request.POST else None,
        actor=user,
        initial={"day": timezone.localdate()},
    )
    upload = PriceImportForm(
        request.POST if "file" in request.FILES else None, request.FILES or None
    )
    result = None
    if request.method == "POST" and "file" in request.FILES and upload.is_valid():
        try:
            result = services.market_prices_import(
                actor=user,  # type: ignore[arg-type]
                content=upload.cleaned_data["file"].read(),
            )
        except ApplicationError as error:
            form_error(upload, error)  # type: ignore[arg-type]
    elif request.method == "POST" and form.is_valid():
        try:
            services.market_price_set(actor=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã lưu giá tham khảo."))
            return redirect("info:price_entry")
    return render(
        request, "info/price_entry.html", {"form": form, "upload": upload, "result": result}
    )
