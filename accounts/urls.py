"""Mounted at the site's root (config/urls.py): the administration pages under
"quan-ly/", signing in without a password under "tai-khoan/"."""

from django.urls import path

from .views import accounts, audit_log, landing, passwords

app_name = "accounts"

urlpatterns = [
    path("quan-ly/", landing.hub_view, name="hub"),
    path("quan-ly/tai-khoan/", accounts.account_list_view, name="list"),
    path("quan-ly/tai-khoan/tao-moi/", accounts.account_create_view, name="create"),
    path("quan-ly/tai-khoan/nhap-tep/", accounts.accounts_import_view, name="import"),
    path(
        "quan-ly/tai-khoan/nhap-tep/xac-nhan/",
        accounts.accounts_import_confirm_view,
        name="import_confirm",
    ),
    path("quan-ly/tai-khoan/<int:pk>/", accounts.account_detail_view, name="detail"),
    path("quan-ly/tai-khoan/<int:pk>/sua/", accounts.account_update_view, name="update"),
    path("quan-ly/tai-khoan/<int:pk>/vai-tro/", accounts.account_role_add_view, name="role_add"),
    path(
        "quan-ly/tai-khoan/<int:pk>/vai-tro/<int:membership_pk>/bo/",
        accounts.account_role_remove_view,
        name="role_remove",
    ),
    path("quan-ly/tai-khoan/<int:pk>/gui-thu-moi/", accounts.account_invite_view, name="invite"),
    path(
        "quan-ly/tai-khoan/<int:pk>/ngung-su-dung/",
        accounts.account_deactivate_view,
        name="deactivate",
    ),
    path(
        "quan-ly/tai-khoan/<int:pk>/dung-lai/",
        accounts.account_reactivate_view,
        name="reactivate",
    ),
    path("quan-ly/nhat-ky/", audit_log.audit_log_view, name="audit_log"),
    path("tai-khoan/quen-mat-khau/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "tai-khoan/quen-mat-khau/da-gui/",
        passwords.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "tai-khoan/loi-moi/<uidb64>/<token>/",
        passwords.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "tai-khoan/da-dat-mat-khau/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
