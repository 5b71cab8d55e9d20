"""Catalog pages at the site root: buyers', sellers' (/ban-hang/), operators' (/kiem-duyet/)."""

from django.urls import path

from nongsan.catalog import views, views_marks

app_name = "catalog"
urlpatterns = [
    # Buyers
    path("tim-kiem/", views.search_view, name="search"),
    path("danh-muc/", views.category_list_view, name="category_list"),
    path("danh-muc/<slug:slug>/", views.category_view, name="category"),
    path("san-pham/<int:product_id>/", views.product_view, name="product"),
    path("san-pham/tinh/<str:code>/", views.province_view, name="province"),
    path("gian-hang/<slug:slug>/", views.shop_view, name="shop"),
    # Sellers
    path("ban-hang/", views.seller_home_view, name="seller_home"),
    path("ban-hang/mo-gian-hang/", views.shop_open_view, name="shop_open"),
    path("ban-hang/gian-hang/<int:shop_id>/", views.shop_manage_view, name="shop_manage"),
    path("ban-hang/gian-hang/<int:shop_id>/sua/", views.shop_edit_view, name="shop_edit"),
    path(
        "ban-hang/gian-hang/<int:shop_id>/them-san-pham/",
        views.product_add_view,
        name="product_add",
    ),
    path("ban-hang/san-pham/<int:product_id>/", views.product_manage_view, name="product_manage"),
    path(
        "ban-hang/san-pham/<int:product_id>/gia-cho-ho/",
        views.household_price_view,
        name="household_price",
    ),
    path("ban-hang/san-pham/<int:product_id>/sua/", views.product_edit_view, name="product_edit"),
    path(
        "ban-hang/san-pham/<int:product_id>/gia-va-so-luong/",
        views.product_quick_update_view,
        name="product_quick_update",
    ),
    path(
        "ban-hang/san-pham/<int:product_id>/trang-thai/",
        views.product_status_view,
        name="product_status",
    ),
    path("ban-hang/san-pham/<int:product_id>/anh/", views.photo_add_view, name="photo_add"),
    path("ban-hang/anh/<int:photo_id>/xoa/", views.photo_delete_view, name="photo_delete"),
    # Marketplace operators
    path("kiem-duyet/", views.moderation_view, name="moderation"),
    path(
        "kiem-duyet/san-pham/<int:product_id>/",
        views.moderation_product_view,
        name="moderation_product",
    ),
    path("kiem-duyet/gian-hang/<int:shop_id>/", views.shop_active_view, name="shop_active"),
    # Brand marks: marketplace operators and provincial officials
    path("thuong-hieu/", views_marks.brand_marks_view, name="brand_marks"),
    path(
        "thuong-hieu/san-pham/<int:product_id>/",
        views_marks.brand_mark_grant_view,
        name="brand_mark_product",
    ),
    path(
        "thuong-hieu/ho/<int:household_id>/",
        views_marks.brand_mark_grant_view,
        name="brand_mark_household",
    ),
    path(
        "thuong-hieu/<int:mark_id>/thu-hoi/",
        views_marks.brand_mark_revoke_view,
        name="brand_mark_revoke",
    ),
]
