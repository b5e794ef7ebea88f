"""Signing in without a password: "Quên mật khẩu" and the invitation's link.

Django's own views, with Vietnamese templates, the outbox for the message, and the
invitation's token generator for the invitation's link."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from ..forms import PasswordResetForm
from ..tokens import invitation_token_generator


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class _SetPasswordView(auth_views.PasswordResetConfirmView):
    # The link's token is moved to the session and the address bar shows this instead
    # (Django's way of keeping the token out of the Referer header).
    reset_url_token = "dat-mat-khau"

    def get_user(self, uidb64):
        # A deactivated account cannot come back through an old link.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordResetConfirmView(_SetPasswordView):
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"invitation": False}


class InvitationAcceptView(_SetPasswordView):
    token_generator = invitation_token_generator
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"invitation": True}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"
