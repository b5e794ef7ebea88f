"""One-time links: Django's token generator, one salt per purpose.

A token hashes the user's password hash and last login, so it stops working as soon as
the password is set (the link works once) or the user signs in; it also expires. The
invitation has a salt of its own and a longer life: an invitation link is never a reset
link, nor the other way round."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # As PasswordResetTokenGenerator.check_token, with the invitation's own lifetime.
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.ACCOUNTS_INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()
