from django.urls import path

from nongsan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-nhap/ma-sms/", views.otp_request_view, name="otp_request"),
    path("dang-nhap/ma-sms/xac-nhan/", views.otp_verify_view, name="otp_verify"),
    path("dang-ky/", views.sign_up_view, name="sign_up"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("tai-khoan/", views.account_view, name="account"),
    path("thong-bao/", views.notifications_view, name="notifications"),
    path(
        "tai-khoan/khoa-api/<int:key_id>/thu-hoi/", views.api_key_revoke_view, name="api_key_revoke"
    ),
]
