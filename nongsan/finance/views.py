"""The back office's pages: incoming money and its exceptions (/doi-soat/), the daily books
(/doi-soat/so-sach/) and carriers' COD remittances (/doi-soat/cod/). Finance staff act on
everything; a marketplace's operator reads what concerns its own marketplace."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.core import exports
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.finance import services
from nongsan.finance.forms import (
    BooksForm,
    CombineForm,
    ExceptionsFilterForm,
    RemittanceForm,
    ResolveForm,
)
from nongsan.payments import selectors as payments_selectors
from nongsan.payments.models import Credit


def _money_staff(request: HttpRequest) -> None:
    if not payments_selectors.is_money_staff(actor=request.user):
        raise PermissionDenied(_("Trang này dành cho kế toán nền tảng và nhân viên vận hành sàn."))


def _finance(request: HttpRequest) -> None:
    if not payments_selectors.is_finance(request.user):
        raise PermissionDenied(_("Chỉ kế toán nền tảng xử lý tiền về."))


@login_required
def exceptions_view(request: HttpRequest) -> HttpResponse:
    """Incoming money: open exceptions first, with their reason; every credit can be found."""
    _money_staff(request)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Credit.Status.OPEN
    form = ExceptionsFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"status": Credit.Status.OPEN}
    credits = payments_selectors.credits_for(
        actor=request.user,
        status=filters.get("status", ""),
        problem=filters.get("problem", ""),
        query=filters.get("q", ""),
    )
    return render(
        request,
        "finance/exceptions.html",
        {
            "form": form,
            "credits": credits[:200],
            "open_count": payments_selectors.open_exceptions_count(actor=request.user),
            "may_act": payments_selectors.is_finance(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def credit_view(request: HttpRequest, credit_id: int) -> HttpResponse:
    _money_staff(request)
    credit = payments_selectors.credit_get_for(actor=request.user, credit_id=credit_id)
    may_act = payments_selectors.is_finance(request.user) and credit.status == Credit.Status.OPEN
    form = ResolveForm(request.POST or None, credit=credit) if may_act else None
    if request.method == "POST":
        _finance(request)
        if form is None:
            messages.error(request, _("Khoản tiền này đã được xử lý."))
            return redirect("finance:credit", credit_id=credit.pk)
        if form.is_valid():
            try:
                services.exception_resolve(
                    actor=request.user,  # type: ignore[arg-type]
                    credit=credit,
                    action=form.cleaned_data["action"],
                    note=form.cleaned_data["note"],
                    order_reference=form.cleaned_data.get("order_reference", ""),
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Đã xử lý khoản tiền %(ref)s.") % {"ref": credit})
                return redirect("finance:credit", credit_id=credit.pk)
    partials = (
        payments_selectors.credits_for(
            actor=request.user, status=Credit.Status.OPEN, query=credit.order_reference
        ).exclude(source=Credit.Source.COD)
        if may_act and credit.order_reference and credit.problem == Credit.Problem.PARTIAL
        else Credit.objects.none()
    )
    return render(
        request,
        "finance/credit.html",
        {
            "credit": credit,
            "form": form,
            "combine": (
                CombineForm(
                    credits=partials,
                    initial={"order_reference": credit.order_reference, "credits": partials},
                )
                if partials.count() > 1
                else None
            ),
            "refunds": credit.refunds.select_related("done_by"),
        },
    )


@login_required
@require_POST
def combine_view(request: HttpRequest) -> HttpResponse:
    _finance(request)
    form = CombineForm(
        request.POST,
        credits=payments_selectors.credits_for(actor=request.user, status=Credit.Status.OPEN),
    )
    if not form.is_valid():
        messages.error(request, _("Chọn các lần chuyển và mã đơn để gộp."))
        return redirect("finance:exceptions")
    try:
        allocation = services.exceptions_combine(
            actor=request.user,  # type: ignore[arg-type]
            credits=list(form.cleaned_data["credits"]),
            order_reference=form.cleaned_data["order_reference"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("finance:exceptions")
    messages.success(
        request,
        _("Đã gộp %(n)s lần chuyển vào đơn %(order)s.")
        % {"n": len(allocation.credits), "order": allocation.payment.order_reference},
    )
    return redirect("finance:credit", credit_id=allocation.credits[0].pk)


HEADER = [
    _l("Ngày"),
    _l("Sàn"),
    _l("Tiền về"),
    _l("Ghi vào thanh toán"),
    _l("Hoàn cho người chuyển"),
    _l("Xử lý khác"),
    _l("Chờ xử lý"),
    _l("Khớp"),
    _l("Hoàn cho người mua (từ tiền đã nhận)"),
]


@login_required
def books_view(request: HttpRequest) -> HttpResponse:
    """Every day and marketplace: money received = applied + refunded + written off + open."""
    _money_staff(request)
    today = timezone.localdate()
    form = BooksForm(request.GET or None)
    start, end = today - dt.timedelta(days=13), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    books = payments_selectors.books(actor=request.user, start=start, end=end)
    kind = request.GET.get("format", "")
    if kind in ("csv", "xlsx"):
        rows = [
            [
                row.day.isoformat(),
                row.marketplace or _("Nhiều sàn hoặc chưa rõ đơn"),
                row.received,
                row.applied,
                row.refunded,
                row.written_off,
                row.open,
                _("có") if row.balanced else _("KHÔNG"),
                row.order_refunds,
            ]
            for row in books.rows
        ]
        name = f"doi-soat-{start:%Y%m%d}-{end:%Y%m%d}"
        if kind == "csv":
            response = HttpResponse(
                exports.csv_bytes(HEADER, rows), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                exports.xlsx_bytes(
                    f"Đối soát tiền về {start:%d/%m/%Y} – {end:%d/%m/%Y}",
                    HEADER,
                    rows,
                    sheet="Doi soat",
                ),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response
    return render(request, "finance/books.html", {"form": form, "books": books})


@login_required
@require_http_methods(["GET", "POST"])
def remittances_view(request: HttpRequest) -> HttpResponse:
    """Carriers' COD remittances: finance records one from the carrier's statement."""
    _finance(request)
    form = RemittanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remittance, new = services.cod_remittance_record(
                actor=request.user,  # type: ignore[arg-type]
                carrier=form.cleaned_data["carrier"],
                reference=form.cleaned_data["reference"],
                collected_until=form.cleaned_data["collected_until"],
                lines=form.cleaned_data["lines"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            if new:
                messages.success(
                    request, _("Đã ghi bảng kê %(ref)s.") % {"ref": remittance.reference}
                )
            else:
                messages.info(
                    request,
                    _("Bảng kê %(ref)s đã được ghi trước đó.") % {"ref": remittance.reference},
                )
            return redirect("finance:remittances")
    return render(
        request,
        "finance/remittances.html",
        {
            "form": form,
            "remittances": payments_selectors.cod_remittances()[:50],
        },
    )
