from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.request_list_view, name="request_list"),
    path("mo-yeu-cau/", views.request_open_view, name="request_open"),
    path("<int:pk>/", views.request_detail_view, name="request_detail"),
    path("<int:pk>/bang-tinh/", views.request_xlsx_view, name="request_xlsx"),
    path("don-vi/", views.answer_list_view, name="answer_list"),
    path("don-vi/<int:pk>/", views.answer_view, name="answer"),
    path("don-vi/<int:pk>/tep/", views.answer_file_view, name="answer_file"),
    path("don-vi/<int:pk>/tiep-nhan/", views.answer_accept_view, name="answer_accept"),
    path("don-vi/<int:pk>/tra-lai/", views.answer_return_view, name="answer_return"),
]
