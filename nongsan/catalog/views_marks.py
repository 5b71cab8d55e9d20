"""Brand mark pages (/thuong-hieu/): marketplace operators and provincial officials grant marks
to products and households against stated criteria, and revoke them; the list is the history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.catalog import selectors, services
from nongsan.catalog.forms import BrandMarkForm, BrandMarkRevokeForm, BrandMarkTargetForm
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error


def _require_granter(request: HttpRequest) -> None:
    if not selectors.may_grant(actor=request.user):
        raise PermissionDenied(_("Chỉ vận hành sàn và cán bộ Sở TTTT gắn mark thương hiệu."))


@login_required
def brand_marks_view(request: HttpRequest) -> HttpResponse:
    _require_granter(request)
    target = BrandMarkTargetForm(request.GET or None)
    if target.is_valid():
        kind, number = target.cleaned_data["kind"], target.cleaned_data["number"]
        name = (
            "catalog:brand_mark_product" if kind == "san-pham" else "catalog:brand_mark_household"
        )
        return redirect(name, number)
    marks = selectors.brand_mark_list(actor=request.user)[:200]
    today = timezone.localdate()
    return render(
        request,
        "catalog/brand_marks.html",
        {
            "rows": [(mark, mark.is_active_on(today)) for mark in marks],
            "target": target,
            "revoke_form": BrandMarkRevokeForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def brand_mark_grant_view(
    request: HttpRequest, product_id: int | None = None, household_id: int | None = None
) -> HttpResponse:
    _require_granter(request)
    product = household = None
    if product_id is not None:
        product = selectors.brand_mark_target_product(actor=request.user, product_id=product_id)
    else:
        assert household_id is not None
        household = selectors.brand_mark_target_household(
            actor=request.user, household_id=household_id
        )
    form = BrandMarkForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.brand_mark_grant(
                actor=request.user,  # type: ignore[arg-type]
                product=product,
                household=household,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã gắn mark thương hiệu."))
            return redirect("catalog:brand_marks")
    return render(
        request,
        "catalog/brand_mark_grant.html",
        {
            "form": form,
            "product": product,
            "household": household,
            "history": selectors.marks_of(product=product, household=household),
        },
    )


@login_required
@require_POST
def brand_mark_revoke_view(request: HttpRequest, mark_id: int) -> HttpResponse:
    _require_granter(request)
    mark = selectors.brand_mark_get_for(actor=request.user, mark_id=mark_id)
    form = BrandMarkRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do thu hồi."))
        return redirect("catalog:brand_marks")
    try:
        services.brand_mark_revoke(
            actor=request.user,  # type: ignore[arg-type]
            mark=mark,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã thu hồi mark thương hiệu."))
    return redirect("catalog:brand_marks")
