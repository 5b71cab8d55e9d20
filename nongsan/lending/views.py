"""Loan pages (/vay/): a household applies and follows its application; a post-office clerk
applies for a household at the counter; staff see the applications of their area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.core.validators import clean_digits
from nongsan.households import selectors as households_selectors
from nongsan.lending import selectors, services
from nongsan.lending.forms import ClerkLoanForm, LoanForm
from nongsan.lending.models import LoanApplication


@login_required
@require_http_methods(["GET", "POST"])
def home_view(request: HttpRequest) -> HttpResponse:
    """A household's applications and the form to apply; staff see their area's list."""
    household = selectors.own_household(actor=request.user)
    clerk_at = selectors.clerk_post_office(actor=request.user)
    applications = selectors.loan_list(actor=request.user, status=request.GET.get("status", ""))
    if household is None and clerk_at is None and not selectors.may_list(actor=request.user):
        raise PermissionDenied(_("Trang này dành cho hộ sản xuất, bưu điện xã và cán bộ quản lý."))
    form = None
    if household is not None:
        form = LoanForm(request.POST or None)
    elif clerk_at is not None:
        form = ClerkLoanForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            target = household
            if clerk_at is not None and household is None:
                digits = clean_digits(data["cccd"]).zfill(12)
                target = (
                    households_selectors.household_list(actor=request.user, query=digits)
                    .filter(head_cccd=digits)
                    .first()
                )
                if target is None:
                    form.add_error("cccd", _("Không tìm thấy hộ có số CCCD này trong địa bàn."))
            if target is not None:
                try:
                    application = services.loan_apply(
                        actor=request.user,  # type: ignore[arg-type]
                        household=target,
                        amount=data["amount"],
                        term_months=data["term_months"],
                        purpose=data["purpose"],
                        consent=data["consent"],
                    )
                except ApplicationError as error:
                    form_error(form, error)
                else:
                    messages.success(
                        request, _("Đã nộp hồ sơ vay %(n)s.") % {"n": application.number}
                    )
                    return redirect("lending:detail", application_id=application.pk)
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "lending/home.html",
        {
            "form": form,
            "page": page,
            "household": household,
            "clerk_at": clerk_at,
            "lender": selectors.lender_current(),
            "history": selectors.history_of(household=household) if household else None,
            "statuses": LoanApplication.Status.choices,
        },
    )


@login_required
def detail_view(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.loan_get_for(actor=request.user, application_id=application_id)
    return render(
        request,
        "lending/detail.html",
        {"application": application, "events": selectors.loan_events(application=application)},
    )
