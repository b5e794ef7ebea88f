"""What the biểu mẫu commands share: who they act as.

A command runs on the server, for the Ban Dân vận and for scripts, so by default it
acts as the secretariat: the first active user holding the secretariat role, else the
first active superuser. ``--user USERNAME`` picks someone else (a unit officer, to
import and submit their unit's form under their name). The cases it creates record
that user as their author, and every rule applies to them as on the web."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from workflow.lifecycle import Role

NO_SUCH_USER = "Không có tài khoản “{username}” (hoặc tài khoản đã bị khóa)."
NO_DEFAULT_USER = (
    "Chưa có tài khoản Ban Dân vận hay quản trị nào để thực hiện lệnh; "
    "hãy chỉ định bằng --user TÊN_ĐĂNG_NHẬP."
)
USER_HELP = (
    "Tài khoản thực hiện lệnh (mặc định: tài khoản Ban Dân vận đầu tiên, "
    "nếu không có thì tài khoản quản trị đầu tiên)."
)


def command_actor(username: str | None):
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(NO_SUCH_USER.format(username=username))
        return user
    user = (
        users.filter(memberships__role=Role.SECRETARIAT).order_by("pk").first()
        or users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError(NO_DEFAULT_USER)
    return user
