"""Request guards that must act before any view (or CsrfViewMiddleware) reads the body
or the query string, and the session's idle and absolute lifetimes.

``RequestLimitsMiddleware`` sits right after ``AuthenticationMiddleware``: nothing above
it reads the body (security, static files, session, locale, common only look at
headers), and it needs to know whether the user is signed in. CsrfViewMiddleware reads
``request.POST`` in ``process_view``, which runs only after every ``__call__`` above.
"""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from units.sessions import SESSION_SEEN, SESSION_STARTED, session_stamp

TOO_LARGE_STATUS = 413
# "seen" is written back at most this often: a request never costs a session write
# for being a few seconds later than the last one.
SEEN_GRANULARITY = 60
SESSION_EXPIRED = "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."


class BodyTooLarge(RequestDataTooBig):
    """Raised by ``CappedStream`` once a body without a declared length passes the limit
    (a SuspiciousOperation: Django answers 400 and logs it, never a 500; the middleware
    then answers 413)."""


class CappedStream:
    """``wsgi.input`` of a body without Content-Length (chunked): read until ``limit``
    bytes, then refused. Django reads such a body as empty unless a stream is given."""

    def __init__(self, stream, limit: int, request: HttpRequest) -> None:
        self.stream = stream
        self.limit = limit
        self.read_so_far = 0
        self.request = request

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            self.request.dvk_body_too_large = True
            raise BodyTooLarge
        return data

    def read(self, size: int = -1) -> bytes:
        # Never more than one byte past the limit, whatever the caller asks.
        room = self.limit + 1 - self.read_so_far
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.read(max(size, 0)))

    def readline(self, size: int = -1) -> bytes:
        room = self.limit + 1 - self.read_so_far
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.readline(max(size, 0)))


def body_limit(request: HttpRequest) -> int:
    """How many bytes this request's body may have: small for anonymous users (the
    sign-in form), larger only on the URLs that take files, for signed-in users."""
    if not request.user.is_authenticated:
        return settings.DVK_ANONYMOUS_REQUEST_MAX_BYTES
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return settings.DVK_REQUEST_MAX_BYTES
    if view_name in settings.DVK_UPLOAD_URL_NAMES:
        return settings.DVK_UPLOAD_REQUEST_MAX_BYTES
    return settings.DVK_REQUEST_MAX_BYTES


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    response = render(
        request,
        "413.html",
        {"limit": _size(limit)},
        status=TOO_LARGE_STATUS,
    )
    # The client may still be sending: the server closes the connection instead of
    # reading the rest.
    response["Connection"] = "close"
    return response


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
        return f"{text.replace('.', ',')} MB"
    return f"{max(1, size // 1024)} KB"


class RequestLimitsMiddleware:
    """Refuses a body over its limit by its Content-Length before a byte is read, cuts a
    body without one (chunked) at the limit, and answers a NUL byte in the query string
    with 400 (PostgreSQL cannot compare text holding one)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        limit = body_limit(request)
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if raw_length.strip():
            try:
                length = int(raw_length)
            except ValueError:
                return render(request, "400.html", status=400)
            if length < 0:
                return render(request, "400.html", status=400)
            if length > limit:
                return _too_large(request, limit)
        elif "wsgi.input" in request.META and request.method not in ("GET", "HEAD"):
            request._stream = CappedStream(request.META["wsgi.input"], limit, request)
            # Django saw no length and would read nothing; let the parsers see the body.
            request.META["CONTENT_LENGTH"] = str(limit + 1)
        response = self.get_response(request)
        if getattr(request, "dvk_body_too_large", False):
            _discard_partial_uploads(request)
            return _too_large(request, limit)
        return response


def _discard_partial_uploads(request: HttpRequest) -> None:
    """The multipart parser stopped mid-file: close (so delete) the temporary file it was
    writing, which nothing else would until the garbage collector came by."""
    for handler in getattr(request, "_upload_handlers", None) or ():
        partial = getattr(handler, "file", None)
        if partial is not None:
            with contextlib.suppress(OSError):
                partial.close()


class SessionLifetimeMiddleware:
    """Signs out a session idle for ``DVK_SESSION_IDLE_SECONDS`` or older than
    ``DVK_SESSION_MAX_AGE_SECONDS``. Both clocks start at sign-in
    (``units.sessions.session_stamp``); "seen" is refreshed at most once a minute."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN)
            if started is None or seen is None:
                session_stamp(session, now=now)  # a session from before this rule
            elif (
                now - seen > settings.DVK_SESSION_IDLE_SECONDS
                or now - started > settings.DVK_SESSION_MAX_AGE_SECONDS
            ):
                logout(request)
                messages.info(request, SESSION_EXPIRED)
                if request.method in ("GET", "HEAD"):
                    return redirect_to_login(request.get_full_path())
                return redirect_to_login("/")
            elif now - seen >= SEEN_GRANULARITY:
                session[SESSION_SEEN] = now
        return self.get_response(request)
