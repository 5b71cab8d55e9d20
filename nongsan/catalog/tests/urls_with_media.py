"""The site's URLs plus uploaded media, for live-server tests (which run with DEBUG off)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

# Included by name: the catalog's tests must not import the apps above it.
urlpatterns = [
    path("", include("nongsan.urls")),
    re_path(
        r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="test_media"
    ),
]
