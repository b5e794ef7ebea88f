from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.campaign_list_view, name="campaign_list"),
    path("lap-moi/", views.campaign_create_view, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail_view, name="campaign_detail"),
    path("<int:pk>/sua/", views.campaign_edit_view, name="campaign_edit"),
    path("<int:pk>/mo/", views.campaign_open_view, name="campaign_open"),
    path("<int:pk>/dong/", views.campaign_close_view, name="campaign_close"),
    path("<int:pk>/gia-han/", views.extension_list_view, name="extension_list"),
    path("gia-han/<int:pk>/thu-hoi/", views.extension_revoke_view, name="extension_revoke"),
]
