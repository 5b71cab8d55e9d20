"""The home page and the shared error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nongsan.catalog import selectors as catalog_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {"in_season_products": catalog_selectors.products_in_season()},
    )


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
