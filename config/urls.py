from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views.landing import home_view

admin.site.site_header = "Quản trị — Dân vận khéo"
admin.site.site_title = "Dân vận khéo"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    # Each role's first page (accounts.views.landing.landing_url).
    path("", home_view, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ho-so/", include("models_registry.urls")),
    path("ho-so/", include("dashboards.urls")),
    path("kiem-tra/", include("inspections.urls")),
    path("thong-bao/", include("notifications.urls")),
    # The committee: its actions (whose URL names keep the "workflow" namespace they were
    # born in) and its pages, one prefix.
    path("hoi-dong/", include("committees.action_urls")),
    path("hoi-dong/", include("committees.urls")),
    path("ke-hoach/", include("plans.urls")),
    path("bao-cao/", include("reports.urls")),
    path("thu-vien/", include("library.urls")),
    # The secretariat's administration pages ("quan-ly/") and signing in without a
    # password ("tai-khoan/").
    path("", include("accounts.urls")),
    path("don-vi/", include("units.urls")),
    path("quan-tri/", admin.site.urls),
]

# MEDIA_ROOT is never served as such, not even with DEBUG: uploads (progress report
# attachments, imported forms, visit photos) go out through views that check access.
