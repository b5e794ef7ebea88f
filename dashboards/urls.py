"""The dashboards, mounted under "ho-so/" beside the case list (config/urls.py)."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("tong-quan/", views.dashboard_view, name="dashboard"),
    path(
        "tong-quan/bao-cao.xlsx",
        views.dashboard_report_view,
        {"fmt": "xlsx"},
        name="dashboard_report_xlsx",
    ),
    path(
        "tong-quan/bao-cao.docx",
        views.dashboard_report_view,
        {"fmt": "docx"},
        name="dashboard_report_docx",
    ),
]
