"""The committee's actions (a member's vote, the chair's close), mounted under "hoi-dong/"
beside its pages (``committees.urls``). Their URL names keep the namespace they had when
they lived in the engine ("workflow:vote_cast"), so that links and forms are unchanged."""

from django.urls import path

from .views import actions as views

app_name = "workflow"

urlpatterns = [
    path(
        "<int:committee_pk>/ho-so/<int:case_pk>/bieu-quyet/",
        views.vote_cast_view,
        name="vote_cast",
    ),
    path("<int:committee_pk>/ket-thuc/", views.rounds_close_view, name="rounds_close"),
]
