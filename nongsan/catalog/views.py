"""Catalog pages: buyers' search and browse, the seller's phone flow, the operators' queue."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.accounts.models import Role
from nongsan.catalog import moderation, selectors, services
from nongsan.catalog.forms import (
    HouseholdPriceForm,
    ModerationForm,
    PhotoForm,
    ProductAddForm,
    ProductForm,
    QuickEditForm,
    SearchForm,
    SellerStatusForm,
    ShopCloseForm,
    ShopEditForm,
    ShopOpenForm,
    SupplierShopOpenForm,
    decimal_input,
)
from nongsan.catalog.models import Category, Product
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import form_error
from nongsan.geo import selectors as geo_selectors

PER_PAGE = 24
MODERATION_MAX_PAGE = 1000  # 24,000 products deep: a queue is worked from its oldest end


def _page_number(request: HttpRequest, *, last: int = selectors.MAX_PAGE) -> int:
    """The page asked for ("trang"), within 1..`last`: anything not plain ASCII digits ("²",
    "-1", "abc") is the first page, a number past the end the last one."""
    value = request.GET.get("trang", "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    if len(value) > len(str(last)):  # no need to read a 5,000-digit number to clamp it
        return last
    try:
        number = int(value)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def _safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the page it came from when that is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


# --- Buyers -------------------------------------------------------------------------------------


def _search_context(request: HttpRequest, *, heading: str, **fixed: Any) -> dict[str, Any]:
    marketplaces = list(selectors.marketplace_list())
    provinces = list(geo_selectors.province_list())
    form = SearchForm(request.GET or None, provinces=provinces, marketplaces=marketplaces)
    filters = form.filters(**fixed)
    page = selectors.search_page(filters=filters, page=_page_number(request), per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("trang", None)
    return {
        "form": form,
        "page": page,
        "heading": heading,
        "filters": filters,
        "query_string": query.urlencode(),
        "open_filters": form.is_bound and form.has_filters,
    }


def search_view(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, heading=_("Tìm nông sản"))
    return render(request, "catalog/search.html", context)


def category_list_view(request: HttpRequest) -> HttpResponse:
    tree = selectors.category_tree()
    return render(
        request,
        "catalog/category_list.html",
        {
            "produce": tree.roots_of(Category.Kind.PRODUCE),
            "inputs": tree.roots_of(Category.Kind.INPUT),
            "provinces": selectors.province_list_with_products(),
        },
    )


def category_view(request: HttpRequest, slug: str) -> HttpResponse:
    category = selectors.category_get(slug=slug)
    tree = selectors.category_tree()
    node = tree.by_slug[category.slug]
    context = _search_context(request, heading=category.name, category=category)
    context.update({"category": category, "node": node, "ancestors": tree.ancestors(node)})
    return render(request, "catalog/search.html", context)


def province_view(request: HttpRequest, code: str) -> HttpResponse:
    province = selectors.province_get(code=code)
    context = _search_context(
        request,
        heading=_("Nông sản %(province)s") % {"province": province.name},
        province=province,
    )
    context["province"] = province
    return render(request, "catalog/search.html", context)


def product_view(request: HttpRequest, product_id: int) -> HttpResponse:
    found = selectors.product_get_for_view(actor=request.user, product_id=product_id)
    product = found.product
    if product.is_listed and not (found.can_manage or found.can_moderate):
        services.product_view_record(product=product)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "photos": list(product.photos.all()),
            "view": found,
            "in_season": selectors.in_season_now(product=product),
            "preorder_open": selectors.preorder_open(product=product),
            "ancestors": selectors.category_path(category_id=product.category_id),
            "household_offer": selectors.household_offers_for(
                buyer=request.user, products=[product]
            ).get(product.pk),
            "brand_marked": bool(selectors.marked_product_ids(products=[product])),
        },
    )


def shop_view(request: HttpRequest, slug: str) -> HttpResponse:
    shop = selectors.shop_get_public(slug=slug)
    products = selectors.shop_products_public(shop=shop)
    return render(
        request,
        "catalog/shop_detail.html",
        {
            "shop": shop,
            "products": selectors.with_flags(products[:120]),
            "certifications": selectors.shop_certifications(shop=shop),
        },
    )


# --- Sellers ------------------------------------------------------------------------------------


@login_required
def seller_home_view(request: HttpRequest) -> HttpResponse:
    shops = list(selectors.shop_list_managed(actor=request.user).order_by("name", "pk")[:100])
    counts = selectors.shop_status_counts(shops=shops)
    may_open = (
        request.user.role in {Role.HOUSEHOLD, Role.INPUT_SUPPLIER, Role.FIELD_AGENT}
        or selectors.cooperatives_for_shop(actor=request.user).exists()
    )
    return render(
        request,
        "catalog/seller_home.html",
        {
            "rows": [(shop, counts.get(shop.pk, {})) for shop in shops],
            "may_open": may_open or request.user.is_superuser,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shop_open_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form_class: Callable[..., ShopOpenForm] = (
        SupplierShopOpenForm if user.role == Role.INPUT_SUPPLIER else ShopOpenForm
    )
    household = None
    households: QuerySet[Any] | None = None
    # Cooperatives the user may open a shop for: those they manage, those of an agent's area.
    cooperatives = (
        selectors.cooperatives_for_shop(actor=user) if user.role != Role.INPUT_SUPPLIER else None
    )
    if cooperatives is not None and not cooperatives.exists():
        cooperatives = None
    if user.role == Role.FIELD_AGENT:
        households = selectors.households_for_shop(actor=user, query=request.GET.get("tim", ""))
        chosen = request.POST.get("household") or request.GET.get("ho")
        if chosen and chosen.isdigit():
            household = households.filter(pk=int(chosen)).first()
            if household is None:
                raise PermissionDenied(_("Hộ này không thuộc địa bàn bạn phụ trách."))
            cooperatives = None  # opening for the household chosen
    elif (
        user.role not in {Role.HOUSEHOLD, Role.INPUT_SUPPLIER}
        and cooperatives is None
        and not user.is_superuser
    ):
        raise PermissionDenied(_("Tài khoản của bạn không mở gian hàng."))
    form = form_class(
        request.POST or None,
        cooperatives=cooperatives,
        own_household=user.role == Role.HOUSEHOLD,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cooperative = data.get("cooperative")
        if user.role == Role.FIELD_AGENT and household is None and cooperative is None:
            form.add_error(None, _("Chọn hộ hoặc hợp tác xã cần mở gian hàng."))
        else:
            try:
                shop = services.shop_open(
                    actor=user,
                    marketplace=data["marketplace"],
                    name=data["name"],
                    story=data.get("story", ""),
                    household=household,
                    cooperative=cooperative,
                    commune=data.get("commune"),
                )
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã mở gian hàng %(name)s. Giờ hãy đăng sản phẩm đầu tiên.")
                    % {"name": shop.name},
                )
                return redirect("catalog:product_add", shop_id=shop.pk)
    return render(
        request,
        "catalog/shop_open.html",
        {
            "form": form,
            "household": household,
            "households": households[:20] if households is not None else None,
            "search": request.GET.get("tim", ""),
            "offers_cooperatives": cooperatives is not None,
        },
    )


@login_required
def shop_manage_view(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    status = request.GET.get("trang-thai", "")
    if status not in Product.Status.values:
        status = ""
    products = list(
        selectors.with_details(
            selectors.product_list_managed(actor=request.user, shop=shop, status=status)
        ).order_by("-updated_at", "-pk")[:200]
    )
    stats = selectors.product_stats(products=products)
    return render(
        request,
        "catalog/shop_manage.html",
        {
            "shop": shop,
            "rows": [(p, stats[p.pk], QuickEditForm(initial=_quick_initial(p))) for p in products],
            "status": status,
            "statuses": Product.Status.choices,
        },
    )


def _quick_initial(product: Product) -> dict[str, str]:
    """Shown the way the seller types them: "65.000" đồng, "120,5" kg."""
    return {
        "price": f"{product.price:,}".replace(",", "."),
        "stock": decimal_input(product.stock),
    }


@login_required
@require_http_methods(["GET", "POST"])
def shop_edit_view(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    form = ShopEditForm(
        request.POST or None,
        initial={
            "name": shop.name,
            "story": shop.story,
            "preorder_allocation": shop.preorder_allocation,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_update(actor=request.user, shop=shop, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu gian hàng."))
            return redirect("catalog:shop_manage", shop_id=shop.pk)
    return render(request, "catalog/shop_form.html", {"form": form, "shop": shop})


@login_required
@require_http_methods(["GET", "POST"])
def product_add_view(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = selectors.shop_get_for_manage(actor=request.user, shop_id=shop_id)
    form = ProductAddForm(request.POST or None, request.FILES or None, shop=shop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.product_create(
                actor=request.user,
                shop=shop,
                name=data["name"],
                price=data["price"],
                unit=data["unit"],
                unit_weight_kg=data["unit_weight_kg"] or None,
                stock=data["stock"],
                category=data["category"],
                household=data.get("household"),
                photo=data["photo"],
                submit=True,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi “%(name)s” cho sàn duyệt. Sản phẩm sẽ hiện với người mua khi được duyệt.")
                % {"name": product.name},
            )
            return redirect("catalog:product_manage", product_id=product.pk)
    return render(request, "catalog/product_add.html", {"form": form, "shop": shop})


@login_required
def product_manage_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    stats = selectors.product_stats(products=[product])[product.pk]
    return render(
        request,
        "catalog/product_manage.html",
        {
            "product": product,
            "stats": stats,
            "photos": list(product.photos.all()),
            "quick_form": QuickEditForm(initial=_quick_initial(product)),
            "photo_form": PhotoForm(),
            "history": selectors.status_history(product=product),
            "transitions": selectors.seller_actions(product=product),
            "household_price": selectors.household_price_of(product=product),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_price_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """An input supplier sets the price verified farm households pay, and their quota."""
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    current = selectors.household_price_of(product=product)
    initial = (
        {
            "price": current.price,
            "quota": current.quota.normalize(),
            "season_start": current.season_start,
            "season_end": current.season_end,
        }
        if current
        else {}
    )
    form = HouseholdPriceForm(request.POST or None, initial=initial)
    if request.method == "POST" and "remove" in request.POST:
        services.household_price_remove(actor=request.user, product=product)  # type: ignore[arg-type]
        messages.success(request, _("Đã bỏ giá ưu đãi cho hộ."))
        return redirect("catalog:product_manage", product_id=product.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_price_set(
                actor=request.user,  # type: ignore[arg-type]
                product=product,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Đã lưu giá ưu đãi cho hộ."))
            return redirect("catalog:product_manage", product_id=product.pk)
    return render(
        request,
        "catalog/household_price.html",
        {"form": form, "product": product, "current": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    form = ProductForm(
        request.POST or None, product=product, initial=ProductForm.initial_for(product)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        certifications = data.pop("certifications", None)
        if data.get("unit_weight_kg") == "":
            data["unit_weight_kg"] = None
        if data.get("expected_yield") == "":
            data["expected_yield"] = None
        was_published = product.status == Product.Status.PUBLISHED
        try:
            updated = services.product_update(
                actor=request.user,
                product=product,
                certifications=list(certifications) if certifications is not None else None,
                **data,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu sản phẩm."))
            if was_published and updated.status == Product.Status.PENDING:
                _review_again_note(request)
            return redirect("catalog:product_manage", product_id=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": product})


def _review_again_note(request: HttpRequest) -> None:
    messages.warning(
        request,
        _(
            "Bạn vừa sửa nội dung sản phẩm đang bán, nên sản phẩm tạm ẩn và chờ sàn duyệt lại. "
            "Sửa giá và số lượng thì không cần duyệt lại."
        ),
    )


@login_required
@require_POST
def product_quick_update_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    form = QuickEditForm(request.POST)
    if form.is_valid():
        try:
            services.product_quick_update(
                actor=request.user,
                product=product,
                price=form.cleaned_data["price"],
                stock=form.cleaned_data["stock"] or None,
            )
        except ApplicationError as exc:
            form_error(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{product.name}: {error}")
    else:
        messages.success(
            request, _("Đã cập nhật giá và số lượng của %(name)s.") % {"name": product.name}
        )
    return redirect(_safe_next(request, reverse("catalog:product_manage", args=[product.pk])))


@login_required
@require_POST
def photo_add_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    was_published = product.status == Product.Status.PUBLISHED
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_photo_add(
                actor=request.user, product=product, upload=form.cleaned_data["photo"]
            )
        except ApplicationError as exc:
            form_error(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Đã thêm ảnh."))
        if was_published and product.status == Product.Status.PENDING:
            _review_again_note(request)
    return redirect("catalog:product_manage", product_id=product.pk)


@login_required
@require_POST
def photo_delete_view(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = selectors.photo_get_for_manage(actor=request.user, photo_id=photo_id)
    product = photo.product
    try:
        services.product_photo_delete(actor=request.user, photo=photo)
    except ApplicationError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa ảnh."))
    return redirect("catalog:product_manage", product_id=product.pk)


@login_required
@require_POST
def product_status_view(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_get_for_manage(actor=request.user, product_id=product_id)
    form = SellerStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("catalog:product_manage", product_id=product.pk)
    action = form.cleaned_data["action"]
    try:
        services.product_transition(
            actor=request.user, product=product, to=moderation.ACTIONS[action].target
        )
    except ApplicationError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã gửi sản phẩm cho sàn duyệt.")
            if action == "submit"
            else _("Đã ngừng bán sản phẩm."),
        )
    return redirect("catalog:product_manage", product_id=product.pk)


# --- Marketplace operators ----------------------------------------------------------------------


def _require_operator(request: HttpRequest) -> None:
    user = request.user
    if not (user.role == Role.MARKETPLACE_OPERATOR or user.is_superuser):
        raise PermissionDenied(_("Trang này dành cho người vận hành sàn."))


@login_required
def moderation_view(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    status = request.GET.get("trang-thai", Product.Status.PENDING)
    if status not in Product.Status.values:
        status = Product.Status.PENDING
    products = selectors.with_details(selectors.moderation_list(actor=request.user, status=status))
    page = _slice_page(products, _page_number(request, last=MODERATION_MAX_PAGE))
    return render(
        request,
        "catalog/moderation.html",
        {
            "page": page,
            "status": status,
            "statuses": Product.Status.choices,
        },
    )


def _slice_page(products: QuerySet[Product], number: int) -> dict[str, Any]:
    number = min(max(number, 1), MODERATION_MAX_PAGE)
    start = (number - 1) * PER_PAGE
    rows = list(products[start : start + PER_PAGE + 1])
    return {
        "products": rows[:PER_PAGE],
        "number": number,
        "has_next": len(rows) > PER_PAGE and number < MODERATION_MAX_PAGE,
        "has_previous": number > 1,
    }


@login_required
@require_http_methods(["GET", "POST"])
def moderation_product_view(request: HttpRequest, product_id: int) -> HttpResponse:
    _require_operator(request)
    product = selectors.product_get_for_moderation(actor=request.user, product_id=product_id)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.product_transition(
                actor=request.user,
                product=product,
                to=moderation.ACTIONS[action].target,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            labels = {
                "approve": _("Đã duyệt “%(name)s”: sản phẩm đang hiển thị với người mua."),
                "refuse": _("Đã trả lại “%(name)s” cho người bán kèm lý do."),
                "hide": _("Đã ẩn “%(name)s”."),
                "restore": _("Đã cho hiển thị lại “%(name)s”."),
            }
            messages.success(request, labels[action] % {"name": product.name})
            return redirect(_safe_next(request, reverse("catalog:moderation")))
    return render(
        request,
        "catalog/moderation_product.html",
        {
            "product": product,
            "form": form,
            "photos": list(product.photos.all()),
            "history": selectors.status_history(product=product),
            "actions": selectors.operator_actions(product=product),
        },
    )


@login_required
@require_POST
def shop_active_view(request: HttpRequest, shop_id: int) -> HttpResponse:
    _require_operator(request)
    shop = selectors.shop_get(shop_id=shop_id)
    if not selectors.may_moderate(actor=request.user, marketplace_id=shop.marketplace_id):
        raise PermissionDenied(_("Gian hàng thuộc sàn khác."))
    form = ShopCloseForm(request.POST)
    if form.is_valid():
        try:
            services.shop_set_active(
                actor=request.user,
                shop=shop,
                is_active=form.cleaned_data["is_active"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã cập nhật gian hàng %(name)s.") % {"name": shop.name})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            for error in errors:
                messages.error(
                    request,
                    _("Chưa cập nhật được gian hàng %(name)s: %(error)s")
                    % {"name": shop.name, "error": f"{label}: {error}" if label else error},
                )
    return redirect(_safe_next(request, reverse("catalog:moderation")))
