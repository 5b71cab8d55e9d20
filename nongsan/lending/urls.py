"""Loan pages: /vay/ (apply, list) and /vay/<id>/ (an application and its steps)."""

from django.urls import path

from nongsan.lending import views

app_name = "lending"
urlpatterns = [
    path("vay/", views.home_view, name="home"),
    path("vay/<int:application_id>/", views.detail_view, name="detail"),
]
