from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path(
        "<int:committee_pk>/ho-so/<int:case_pk>/bieu-quyet/",
        views.vote_cast_view,
        name="vote_cast",
    ),
    path("<int:committee_pk>/ket-thuc/", views.rounds_close_view, name="rounds_close"),
]
