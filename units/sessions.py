"""When a session began and when it was last used, kept in the session itself: the
site's middleware (``config.middleware.SessionLifetimeMiddleware``) signs out one idle
or old past the configured limits."""

import time

SESSION_STARTED = "dvk_session_started"
SESSION_SEEN = "dvk_session_seen"


def session_stamp(session, *, now: int | None = None) -> None:
    """Start both clocks of ``session`` at ``now`` (seconds since the epoch)."""
    now = int(time.time()) if now is None else now
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Stamps the session at sign-in, so that the requests after it write nothing."""
    if request is not None and hasattr(request, "session"):
        session_stamp(request.session)
