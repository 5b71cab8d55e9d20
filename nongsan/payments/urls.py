"""Money pages: a household's receiving account and statement (/nhan-tien/), payouts (/chi-tra/)."""

from django.urls import path

from nongsan.payments import views

app_name = "payments"
urlpatterns = [
    path("nhan-tien/", views.my_money_view, name="mine"),
    path("nhan-tien/<int:household_id>/", views.account_view, name="account"),
    path("chi-tra/", views.payouts_view, name="payouts"),
    path("chi-tra/dot/<int:batch_id>/", views.batch_view, name="batch"),
    path("chi-tra/sao-ke/<int:payout_id>/", views.payout_statement_view, name="statement"),
    path("chi-tra/hoan-tien/<int:refund_id>/", views.refund_done_view, name="refund_done"),
    path("buu-dien/", views.post_office_view, name="post_office"),
    path("buu-dien/chi-tra/<int:payout_id>/", views.cash_handover_view, name="cash_handover"),
    path("buu-dien/bien-nhan/<int:handover_id>/", views.receipt_view, name="receipt"),
]
