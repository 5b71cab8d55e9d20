"""Places pages: the sales-point map (/ban-do-diem-ban/), digital addresses (/dia-chi-so/)."""

from django.urls import path

from nongsan.places import views

app_name = "places"
urlpatterns = [
    path("ban-do-diem-ban/", views.map_view, name="map"),
    path("ban-do-diem-ban/<int:point_id>/", views.point_view, name="point"),
    path("dia-chi-so/", views.address_view, name="address"),
    path("dia-chi-so/ban-giao/", views.handover_view, name="handovers"),
    path("ban-hang/gian-hang/<int:shop_id>/dia-diem/", views.shop_place_view, name="shop_place"),
]
