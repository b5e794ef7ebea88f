"""The unit directory's pages (the secretariat's), mounted under "don-vi/"."""

from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_tree_view, name="tree"),
    path("them/", views.unit_create_view, name="create"),
    path("nap-tep/", views.unit_import_view, name="import"),
    path("<int:pk>/", views.unit_detail_view, name="detail"),
    path("<int:pk>/sua/", views.unit_edit_view, name="edit"),
    path("<int:pk>/doi-ten/", views.unit_rename_view, name="rename"),
    path("<int:pk>/chuyen/", views.unit_move_view, name="move"),
    path("<int:pk>/dong/", views.unit_close_view, name="close"),
    path("<int:pk>/sap-nhap/", views.unit_merge_view, name="merge"),
]
