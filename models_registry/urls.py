from django.urls import path

from .views import excel, initiatives, progress

app_name = "models_registry"

urlpatterns = [
    path("", initiatives.initiative_list_view, name="initiative_list"),
    path("tao-moi/", initiatives.initiative_create_view, name="initiative_create"),
    path("<int:pk>/", initiatives.initiative_detail_view, name="initiative_detail"),
    path("<int:pk>/sua/", initiatives.initiative_edit_view, name="initiative_edit"),
    path(
        "<int:pk>/chuyen-trang-thai/",
        initiatives.initiative_transition_view,
        name="initiative_transition",
    ),
    path("<int:pk>/xoa-ban-nhap/", initiatives.initiative_discard_view, name="initiative_discard"),
    path("<int:pk>/tien-do/", progress.progress_report_create_view, name="progress_report_create"),
    path(
        "<int:pk>/tien-do/tep/<int:attachment_pk>/",
        progress.attachment_download_view,
        name="progress_attachment_download",
    ),
    path("duy-tri/", progress.carry_over_list_view, name="carry_over_list"),
    path("<int:pk>/duy-tri/", progress.initiative_carry_over_view, name="initiative_carry_over"),
    # The biểu mẫu: import (upload → preview → confirm → progress → result) and export.
    path("nhap-bieu-mau/", excel.import_upload_view, name="import_upload"),
    path("nhap-bieu-mau/<int:pk>/", excel.import_preview_view, name="import_preview"),
    path("nhap-bieu-mau/<int:pk>/xac-nhan/", excel.import_confirm_view, name="import_confirm"),
    path("nhap-bieu-mau/<int:pk>/tien-do/", excel.import_progress_view, name="import_progress"),
    path("nhap-bieu-mau/<int:pk>/ket-qua/", excel.import_result_view, name="import_result"),
    path("xuat-bieu-mau/", excel.export_view, name="export"),
]
