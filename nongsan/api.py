"""The JSON API under /api/: each app's router mounted here, errors always `{code, message}`."""

from django.db import DataError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from nongsan.accounts.api import router as accounts_router
from nongsan.catalog.api import router as catalog_router
from nongsan.catalog.api_marks import router as brand_marks_router
from nongsan.core.api import TextCheckingParser, refuse_untyped_text
from nongsan.core.errors import ApplicationError
from nongsan.finance.api import router as finance_router
from nongsan.geo.api import router as geo_router
from nongsan.households.api import router as households_router
from nongsan.info.api import router as info_router
from nongsan.lending.api import router as lending_router
from nongsan.monitoring.api import router as monitoring_router
from nongsan.orders.api import payments_router
from nongsan.orders.api import router as orders_router
from nongsan.partners.api import router as partners_router
from nongsan.payments.api import router as post_office_router
from nongsan.places.api import router as places_router
from nongsan.shipping.api import router as shipping_router
from nongsan.traceability.api import router as traceability_router
from nongsan.training.api import router as training_router

api = NinjaAPI(
    title="nongsan API",
    version="1",
    description=(
        "Marketplace and Plan 1034 programme API. Authenticate with a browser session or an "
        "`X-API-Key` header (create keys on your account page). Errors are JSON objects "
        "`{code, message, field?}`. Partner marketplaces: the `partners` operations, a guide "
        "at /doi-tac/api/ and a Python client at /doi-tac/api/nongsan_partner_client.py."
    ),
    urls_namespace="api",
    parser=TextCheckingParser(),
)
api.add_decorator(refuse_untyped_text)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "field": exc.field}, status=400
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "message": str(exc) or "Không tìm thấy."}, status=404
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "validation_error",
            "message": "Dữ liệu gửi lên không hợp lệ.",
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Cần đăng nhập hoặc khóa API hợp lệ."},
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"code": f"http_{exc.status_code}", "message": str(exc)}, status=exc.status_code
    )


api.add_router("/accounts", accounts_router)
api.add_router("/geo", geo_router)
api.add_router("/households", households_router)
api.add_router("/training", training_router)
api.add_router("/catalog", catalog_router)
api.add_router("/brand-marks", brand_marks_router)
api.add_router("/orders", orders_router)
api.add_router("/payments", payments_router)
api.add_router("/shipping", shipping_router)
api.add_router("/info", info_router)
api.add_router("/post-office", post_office_router)
api.add_router("/lending", lending_router)
api.add_router("/traceability", traceability_router)
api.add_router("/places", places_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/partners", partners_router)
api.add_router("/finance", finance_router)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (an id or amount beyond 64 bits) is bad input."""
    return api.create_response(
        request,
        {
            "code": "validation_error",
            "message": "Có số quá lớn hoặc không hợp lệ trong yêu cầu.",
        },
        status=422,
    )


@api.exception_handler(OperationalError)
def database_busy(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database could not answer (a lock held too long, a connection lost): try again in a
    few seconds, in JSON like every other answer, never a traceback."""
    response = api.create_response(
        request,
        {"code": "unavailable", "message": "Hệ thống đang bận, hãy thử lại sau ít giây."},
        status=503,
    )
    response["Retry-After"] = "5"
    return response
