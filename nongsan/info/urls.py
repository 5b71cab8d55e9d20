"""Information pages: the household's feed (/tin/), editors (/tin/bien-tap/), prices (/gia/)."""

from django.urls import path

from nongsan.info import views

app_name = "info"
urlpatterns = [
    path("tin/", views.feed_view, name="feed"),
    path("tin/<int:bulletin_id>/", views.read_view, name="read"),
    path("tin/bien-tap/", views.editor_list_view, name="editor_list"),
    path("tin/bien-tap/moi/", views.editor_create_view, name="editor_create"),
    path("tin/bien-tap/<int:bulletin_id>/", views.editor_detail_view, name="editor_detail"),
    path("tin/bien-tap/<int:bulletin_id>/dang/", views.editor_publish_view, name="publish"),
    path("gia/", views.board_view, name="board"),
    path("gia/nhap/", views.price_entry_view, name="price_entry"),
    path("gia/cua-toi/", views.my_prices_view, name="my_prices"),
    path("gia/<slug:produce_code>/<str:province_code>/", views.history_view, name="history"),
]
