"""Buying pages: cart and checkout, the buyer's orders (/don-hang/), the seller's
(/ban-hang/don/), the e-wallet's return and sandbox pages (/thanh-toan/)."""

from django.urls import path

from nongsan.orders import views

app_name = "orders"
urlpatterns = [
    path("gio-hang/", views.cart_view, name="cart"),
    path("san-pham/<int:product_id>/danh-gia/", views.reviews_view, name="reviews"),
    path("gio-hang/them/<int:product_id>/", views.cart_add_view, name="cart_add"),
    path("dat-hang/", views.checkout_view, name="checkout"),
    path("don-hang/", views.buyer_list_view, name="buyer_list"),
    path("don-hang/<str:number>/", views.buyer_detail_view, name="buyer_detail"),
    path("don-hang/<str:number>/thanh-toan/", views.payment_retry_view, name="payment_retry"),
    path("don-hang/<str:number>/vi/", views.ewallet_go_view, name="ewallet_go"),
    path("don/<str:number>/chuyen-buoc/", views.transition_view, name="transition"),
    path("don/<str:number>/danh-gia/<int:product_id>/", views.review_view, name="review"),
    path("don/<str:number>/chua-nhan/", views.dispute_view, name="dispute"),
    path("thanh-toan/vi/tro-ve/", views.ewallet_return_view, name="ewallet_return"),
    path(
        "thanh-toan/vi-sandbox/<str:provider_ref>/",
        views.ewallet_sandbox_view,
        name="ewallet_sandbox",
    ),
    path("ban-hang/don/", views.seller_list_view, name="seller_list"),
    path("ban-hang/don/<str:number>/", views.seller_detail_view, name="seller_detail"),
    path("ban-hang/thu-hoach/<int:product_id>/", views.harvest_view, name="harvest"),
]
