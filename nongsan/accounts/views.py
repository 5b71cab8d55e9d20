"""Login (password or SMS code), sign-up, logout, and a user's own account page."""

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nongsan.accounts import selectors, services
from nongsan.accounts.forms import (
    ApiKeyForm,
    OtpRequestForm,
    OtpVerifyForm,
    PasswordLoginForm,
    SignUpForm,
)
from nongsan.core.errors import ApplicationError
from nongsan.core.forms import add_application_error


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "web:home"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            services.login_check_allowed(identifier=identifier, client_ip=_client_ip(request))
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            user = authenticate(
                request, username=identifier, password=form.cleaned_data["password"]
            )
            if user is None:
                services.login_record_failure(identifier=identifier, client_ip=_client_ip(request))
                form.add_error(None, _("Số điện thoại/email hoặc mật khẩu không đúng."))
            else:
                services.login_clear_failures(identifier=identifier)
                login(request, user)
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_raw(request)},
        status=429 if _is_throttled(form) else 200,
    )


def _is_throttled(form: PasswordLoginForm | OtpRequestForm | OtpVerifyForm) -> bool:
    return form.is_bound and any(
        "quá nhiều lần" in str(message) for errors in form.errors.values() for message in errors
    )


@require_http_methods(["GET", "POST"])
def otp_request_view(request: HttpRequest) -> HttpResponse:
    form = OtpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.login_check_allowed(
                identifier=form.cleaned_data["phone"], client_ip=_client_ip(request)
            )
            services.otp_request(phone=form.cleaned_data["phone"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            verify = OtpVerifyForm(initial={"phone": form.cleaned_data["phone"]})
            messages.success(request, _("Mã xác thực đã được gửi qua tin nhắn SMS."))
            return render(
                request, "accounts/otp_verify.html", {"form": verify, "next": _next_raw(request)}
            )
    return render(request, "accounts/otp_request.html", {"form": form, "next": _next_raw(request)})


def _next_raw(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


@require_POST
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    form = OtpVerifyForm(request.POST)
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.login_check_allowed(identifier=phone, client_ip=_client_ip(request))
            user = services.otp_verify(phone=phone, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            if exc.code != "throttled":
                services.login_record_failure(identifier=phone, client_ip=_client_ip(request))
            add_application_error(form, exc)
        else:
            services.login_clear_failures(identifier=phone)
            login(request, user, backend="nongsan.accounts.backends.PhoneOrEmailBackend")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_raw(request)},
        status=429 if _is_throttled(form) else 200,
    )


@require_http_methods(["GET", "POST"])
def sign_up_view(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(**form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            login(request, user, backend="nongsan.accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("Chào mừng %(name)s!") % {"name": user.full_name})
            return redirect("web:home")
    return render(request, "accounts/sign_up.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@login_required
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = services.api_key_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            form = ApiKeyForm()
    keys = selectors.api_key_list(actor=request.user)
    return render(
        request, "accounts/account.html", {"form": form, "keys": keys, "new_key": new_key}
    )


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    key = selectors.api_key_get_for(actor=request.user, key_id=key_id)
    services.api_key_revoke(key=key)
    messages.success(request, _("Đã thu hồi khóa %(name)s.") % {"name": key.name})
    return redirect("accounts:account")


@login_required
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    """The user's inbox: order steps, payments, alerts; opening it marks them read."""
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("accounts:notifications")
    notices = list(selectors.notification_list(actor=request.user)[:100])
    unread = [n.pk for n in notices if n.read_at is None]
    response = render(
        request, "accounts/notifications.html", {"notices": notices, "unread": set(unread)}
    )
    services.notifications_mark_read(user=request.user)
    return response
