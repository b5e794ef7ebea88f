"""The committee's pages, mounted under "hoi-dong/" next to ``action_urls`` (the vote
and close endpoints)."""

from django.urls import path

from .views import manage
from .views import pages as committee

app_name = "committees"

urlpatterns = [
    # The secretariat's: composing committees (lập, kiện toàn).
    path("quan-ly/", manage.committee_manage_list_view, name="manage"),
    path("quan-ly/them/", manage.committee_manage_create_view, name="manage_create"),
    path("quan-ly/<int:pk>/", manage.committee_manage_detail_view, name="manage_detail"),
    path(
        "quan-ly/<int:pk>/thay-doi/<int:change_pk>/huy/",
        manage.committee_change_cancel_view,
        name="manage_change_cancel",
    ),
    path("", committee.committee_home_view, name="home"),
    path("<int:pk>/", committee.committee_review_view, name="review"),
    path("<int:pk>/chu-tich/", committee.committee_chair_view, name="chair"),
    path("quyet-dinh/<int:pk>/", committee.decision_detail_view, name="decision"),
    path(
        "quyet-dinh/<int:pk>/phu-luc.xlsx",
        committee.decision_annex_xlsx_view,
        name="decision_annex_xlsx",
    ),
    path(
        "quyet-dinh/<int:pk>/phu-luc.docx",
        committee.decision_annex_docx_view,
        name="decision_annex_docx",
    ),
    path(
        "quyet-dinh/<int:pk>/giay-chung-nhan/<int:case_pk>.docx",
        committee.certificate_view,
        name="certificate",
    ),
]
