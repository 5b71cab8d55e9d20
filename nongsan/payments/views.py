"""Money pages: where a household receives its money and its statement; payouts for staff."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error, form_error
from nongsan.payments import selectors, services
from nongsan.payments.forms import CashHandoverForm, PaymentAccountForm, PayoutRunForm
from nongsan.payments.models import PayoutBatch


@login_required
def my_money_view(request: HttpRequest) -> HttpResponse:
    household = selectors.own_household(actor=request.user)
    if household is None:
        raise Http404(_("Tài khoản của bạn chưa gắn với hồ sơ hộ nào."))
    return redirect("payments:account", household_id=household.pk)


@login_required
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_money(actor=request.user, household_id=household_id)
    current = selectors.active_account(household=household)
    form = PaymentAccountForm(
        request.POST or None,
        initial={"kind": "bank", "holder_name": household.head_name},
        post_offices=selectors.post_offices_for(household=household),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_account_link(
                actor=request.user,  # type: ignore[arg-type]
                household=household,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from error
            add_application_error(form, error)
        else:
            messages.success(request, _("Đã lưu nơi nhận tiền của hộ."))
            return redirect("payments:account", household_id=household.pk)
    return render(
        request,
        "payments/account.html",
        {
            "household": household,
            "current": current,
            "form": form,
            "balance": selectors.balance(household=household),
            "entries": selectors.statement(household=household, limit=100),
        },
    )


def _staff(request: HttpRequest) -> None:
    if not selectors.is_money_staff(actor=request.user):
        raise PermissionDenied(_("Trang này dành cho kế toán nền tảng và nhân viên vận hành sàn."))


def _finance(request: HttpRequest) -> None:
    if not selectors.is_finance(request.user):
        raise PermissionDenied(_("Chỉ kế toán nền tảng chạy và xem các đợt chi trả."))


@login_required
@require_http_methods(["GET", "POST"])
def payouts_view(request: HttpRequest) -> HttpResponse:
    """Finance: the payout batches across marketplaces. An operator: what its marketplace's
    sellers are owed and the refunds its orders wait for."""
    _staff(request)
    finance = selectors.is_finance(request.user)
    form = PayoutRunForm(request.POST or None) if finance else None
    if request.method == "POST":
        _finance(request)
    if form is not None and request.method == "POST" and form.is_valid():
        batch = services.payout_batch_run(
            actor=request.user,  # type: ignore[arg-type]
            minimum=form.cleaned_data["minimum"],
        )
        messages.success(
            request,
            _("Đã lập đợt chi trả: %(count)s hộ.") % {"count": batch.payout_count},
        )
        return redirect("payments:batch", batch_id=batch.pk)
    return render(
        request,
        "payments/payouts.html",
        {
            "form": form,
            "finance": finance,
            "batches": selectors.payout_batches()[:30] if finance else [],
            "unpaid_total": selectors.unpaid_total(actor=request.user),
            "open_exceptions": selectors.open_exceptions_count(actor=request.user),
            "refunds": selectors.pending_refunds(actor=request.user)[:50],
        },
    )


@login_required
def batch_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    _finance(request)
    batch = PayoutBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return render(
        request,
        "payments/batch.html",
        {"batch": batch, "payouts": selectors.payouts_of(batch=batch)},
    )


@login_required
@require_POST
def refund_done_view(request: HttpRequest, refund_id: int) -> HttpResponse:
    _staff(request)
    refund = selectors.refund_get_for(actor=request.user, refund_id=refund_id)
    services.refund_mark_done(actor=request.user, refund=refund)  # type: ignore[arg-type]
    messages.success(request, _("Đã ghi nhận hoàn tiền %(ref)s.") % {"ref": refund.reference})
    return redirect("payments:payouts")


@login_required
def payout_statement_view(request: HttpRequest, payout_id: int) -> HttpResponse:
    """What one payout paid a household for: the sales, deductions and the payout itself."""
    payout = selectors.payout_get_for(actor=request.user, payout_id=payout_id)
    return render(
        request,
        "payments/statement.html",
        {"payout": payout, "entries": selectors.payout_entries(payout=payout, actor=request.user)},
    )


# --- Cash at the commune post office ------------------------------------------------------------


def _clerk_post_office(request: HttpRequest) -> Any:
    post_office = selectors.clerk_post_office(actor=request.user)
    if post_office is None:
        raise PermissionDenied(_("Trang này dành cho nhân viên bưu điện văn hóa xã."))
    return post_office


@login_required
def post_office_view(request: HttpRequest) -> HttpResponse:
    """The clerk's counter: payouts waiting to be collected in cash, and the latest hand-overs."""
    post_office = _clerk_post_office(request)
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "payments/post_office.html",
        {
            "post_office": post_office,
            "query": query,
            "waiting": selectors.cash_payouts_waiting(post_office=post_office, query=query)[:100],
            "done": selectors.cash_handovers_at(post_office=post_office),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cash_handover_view(request: HttpRequest, payout_id: int) -> HttpResponse:
    post_office = _clerk_post_office(request)
    payout = selectors.cash_payouts_waiting(post_office=post_office).filter(pk=payout_id).first()
    if payout is None:
        raise Http404(_("Không có khoản chờ chi này tại bưu điện của bạn."))
    form = CashHandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.cash_handover_record(
                clerk=request.user,  # type: ignore[arg-type]
                payout=payout,
                cccd=form.cleaned_data["cccd"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã chi trả. Hãy in biên nhận cho hộ."))
            return redirect("payments:receipt", handover_id=handover.pk)
    return render(
        request,
        "payments/cash_handover.html",
        {"form": form, "payout": payout, "post_office": post_office},
    )


@login_required
def receipt_view(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = selectors.cash_handover_get_for(actor=request.user, handover_id=handover_id)
    return render(request, "payments/receipt.html", {"handover": handover})
