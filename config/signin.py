"""Sign-in throttling (django-axes) by account and by address, and the client address
as this deployment knows it.

Axes compares one count with one limit: the largest of its counts per lockout parameter
set. Here a (username, address) pair is locked after ``AXES_FAILURE_LIMIT`` failures and
an address after ``DVK_AXES_ADDRESS_FAILURE_LIMIT`` failures over any accounts (an office
behind one NAT address needs more room than one account does). ``failures`` maps both
counts onto the first limit: the result reaches ``AXES_FAILURE_LIMIT`` exactly when
either count reaches its own limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str:
    """``REMOTE_ADDR``, unless ``DVK_CLIENT_IP_HEADER`` names the header a trusted reverse
    proxy sets (``HTTP_X_FORWARDED_FOR``): then the right-most address in it that is
    not one of ``DVK_TRUSTED_PROXIES`` (the proxy appends the address it saw; what a
    client wrote before that is not to be believed)."""
    header = settings.DVK_CLIENT_IP_HEADER
    remote = request.META.get("REMOTE_ADDR", "")
    if not header:
        return remote
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    trusted = set(settings.DVK_TRUSTED_PROXIES)
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote


def failures(per_account: int, per_address: int) -> int:
    account_limit = settings.AXES_FAILURE_LIMIT
    address_limit = settings.DVK_AXES_ADDRESS_FAILURE_LIMIT
    return max(per_account, per_address - (address_limit - account_limit))


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler with a separate, larger limit per address."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return failures(per_account, per_address)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful sign-in clears that account's failures at that address, not the
        # address's count: otherwise one account of the attacker's own would wipe it.
        account_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_attempts.delete()
        return count
