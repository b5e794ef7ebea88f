from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("quan-ly/", views.manage_view, name="manage"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/anh/<int:photo_pk>/", views.photo_view, name="photo"),
    path("<int:pk>/nhan-rong/", views.replicate_view, name="replicate"),
    # The case page's actions (the case's own id).
    path("ho-so/<int:pk>/cong-bo/", views.publish_view, name="publish"),
    path("ho-so/<int:pk>/go/", views.withdraw_view, name="withdraw"),
    path("ho-so/<int:pk>/anh/<int:attachment_pk>/", views.photo_choose_view, name="photo_choose"),
]
