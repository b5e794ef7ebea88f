from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:pk>/", views.notification_detail_view, name="detail"),
    path("danh-dau-da-doc/", views.inbox_mark_all_read_view, name="mark_all_read"),
    path("gui-loi/", views.failed_list_view, name="failed"),
    path("gui-loi/gui-lai-tat-ca/", views.notifications_retry_failed_view, name="retry_all"),
    path("gui-loi/<int:pk>/gui-lai/", views.notification_retry_view, name="retry"),
]
