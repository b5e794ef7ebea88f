from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Quản trị — Dân vận khéo"
admin.site.site_title = "Dân vận khéo"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="models_registry:initiative_list"), name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ho-so/", include("models_registry.urls")),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
