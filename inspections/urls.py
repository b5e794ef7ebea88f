from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("can-kiem-tra/", views.to_inspect_view, name="to_inspect"),
    path("len-lich/", views.schedule_view, name="schedule"),
    path("lich/", views.calendar_view, name="calendar"),
    path("<int:pk>/doi-lich/", views.move_view, name="move"),
    path("<int:pk>/huy/", views.cancel_view, name="cancel"),
    path("cua-toi/", views.mine_view, name="mine"),
    path("<int:pk>/bien-ban/", views.visit_view, name="visit"),
    path("<int:pk>/bien-ban.docx", views.visit_record_view, name="visit_record"),
    path("ho-so/<int:case_pk>/kiem-tra-lai/", views.reinspect_view, name="reinspect"),
    path("xuat-ket-qua/", views.export_view, name="export"),
    path("tep/<int:pk>/", views.attachment_view, name="attachment"),
    path(
        "tep/<int:pk>/anh-nho/",
        views.attachment_view,
        {"thumbnail": True},
        name="attachment_thumbnail",
    ),
    path("tieu-chi/", views.criteria_view, name="criteria"),
    path("tieu-chi/<int:pk>/", views.criterion_edit_view, name="criterion_edit"),
]
