"""The back office: incoming money and its exceptions, the daily books, COD remittances."""

from django.urls import path

from nongsan.finance import views

app_name = "finance"
urlpatterns = [
    path("doi-soat/", views.exceptions_view, name="exceptions"),
    path("doi-soat/<int:credit_id>/", views.credit_view, name="credit"),
    path("doi-soat/gop/", views.combine_view, name="combine"),
    path("doi-soat/so-sach/", views.books_view, name="books"),
    path("doi-soat/cod/", views.remittances_view, name="remittances"),
]
