"""The programme portal (/cong/, public) and the difficulties channel (/kho-khan/)."""

from django.urls import path

from nongsan.support import views

app_name = "support"
urlpatterns = [
    path("kho-khan/", views.difficulty_list_view, name="difficulties"),
    path("kho-khan/gui/", views.difficulty_raise_view, name="raise"),
    path("kho-khan/<str:number>/", views.difficulty_view, name="difficulty"),
    path("kho-khan/<str:number>/tra-loi/", views.reply_view, name="reply"),
    path("kho-khan/<str:number>/giao/", views.assign_view, name="assign"),
    path("kho-khan/<str:number>/dong/", views.close_view, name="close"),
    path("kho-khan/<str:number>/mo-lai/", views.reopen_view, name="reopen"),
    path("kho-khan/<str:number>/hoi-dap/", views.faq_publish_view, name="faq_publish"),
    path(
        "kho-khan/<str:number>/tep/<int:attachment_id>/", views.attachment_view, name="attachment"
    ),
    path("cong/", views.portal_view, name="portal"),
    path("cong/hoi-dap/", views.faq_view, name="faq"),
    path("cong/huong-dan/", views.guide_list_view, name="guides"),
    path("cong/huong-dan/<slug:slug>/", views.guide_view, name="guide"),
    path("cong/tin-tuc/", views.news_list_view, name="news"),
    path("cong/tin-tuc/<slug:slug>/", views.news_view, name="news_item"),
    path("cong/thong-ke/", views.stats_view, name="stats"),
    path("cong/nhung/", views.widget_view, name="widget"),
]
