"""Traceability pages: sellers' lots (/truy-xuat/lo/), QR codes, and the public trace page at
each lot's GS1 Digital Link path (/01/{gtin}/10/{lot}[/21/{serial}])."""

from django.urls import path, re_path

from nongsan.traceability import views

app_name = "traceability"
urlpatterns = [
    path("truy-xuat/lo/", views.lot_list_view, name="lots"),
    path("truy-xuat/lo/<int:lot_id>/", views.lot_view, name="lot"),
    path("truy-xuat/lo/<int:lot_id>/mo-ban/", views.lot_open_view, name="lot_open"),
    path("truy-xuat/lo/<int:lot_id>/nhan/", views.label_sheet_view, name="labels"),
    path("truy-xuat/don/<str:number>/nhan/", views.parcel_labels_view, name="parcel_labels"),
    re_path(
        r"^truy-xuat/qr/(?P<gtin>[0-9]{8,14})/(?P<code>[A-Za-z0-9-]{1,20})\.(?P<kind>svg|png)$",
        views.qr_view,
        name="qr",
    ),
    # GS1 Digital Link paths carry no trailing slash.
    re_path(
        r"^01/(?P<gtin>[0-9]{8,14})/10/(?P<code>[A-Za-z0-9-]{1,20})$",
        views.trace_view,
        name="trace",
    ),
    re_path(
        r"^01/(?P<gtin>[0-9]{8,14})/10/(?P<code>[A-Za-z0-9-]{1,20})/21/(?P<serial>[A-Za-z0-9-]{1,20})$",
        views.trace_view,
        name="trace_serial",
    ),
]
