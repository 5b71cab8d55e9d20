"""Partner pages: /doi-tac/ (the API guide, public) and the cross-marketplace view."""

from django.urls import path

from nongsan.partners import views

app_name = "partners"
urlpatterns = [
    path("doi-tac/ho-tren-nhieu-san/", views.cross_view, name="cross"),
    path("doi-tac/api/", views.api_guide_view, name="api_guide"),
    path("doi-tac/api/nongsan_partner_client.py", views.client_example_view, name="client"),
]
