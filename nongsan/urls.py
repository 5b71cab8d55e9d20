from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from nongsan.api import api

urlpatterns = [
    # The API first: machine clients call it far more often than people open pages.
    path("api/", api.urls),
    path("", include("nongsan.web.urls")),
    path("", include("nongsan.accounts.urls")),
    path("ho/", include("nongsan.households.urls")),
    path("tap-huan/", include("nongsan.training.urls")),
    path("", include("nongsan.catalog.urls")),
    path("", include("nongsan.orders.urls")),
    path("", include("nongsan.payments.urls")),
    path("", include("nongsan.shipping.urls")),
    path("", include("nongsan.info.urls")),
    path("", include("nongsan.lending.urls")),
    path("", include("nongsan.traceability.urls")),
    path("", include("nongsan.places.urls")),
    path("", include("nongsan.finance.urls")),
    path("theo-doi/", include("nongsan.monitoring.urls")),
    path("", include("nongsan.support.urls")),
    path("", include("nongsan.partners.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
