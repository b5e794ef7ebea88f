from django.urls import path

from .views import initiatives

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
]
