"""Calling the site as a WSGI server would, with a body stream that counts what is read
from it: the test client always sends a Content-Length and hands over the whole body."""

import io
from dataclasses import dataclass, field

from django.test.client import ClientHandler


class CountingBody:
    """``total`` bytes of ``fill``, produced as they are read, counted."""

    def __init__(self, total: int, fill: bytes = b"0") -> None:
        self.total = total
        self.fill = fill
        self.read_bytes = 0

    def _take(self, size: int) -> bytes:
        size = self.total - self.read_bytes if size is None or size < 0 else size
        size = max(0, min(size, self.total - self.read_bytes))
        self.read_bytes += size
        return self.fill * size

    def read(self, size: int = -1) -> bytes:
        return self._take(size)

    def readline(self, size: int = -1) -> bytes:
        return self._take(size if size and size > 0 else 65536)


@dataclass
class Answer:
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode()


def wsgi_call(
    path: str,
    *,
    method: str = "POST",
    body=None,
    content_length: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    cookies: dict | None = None,
    query: str = "",
    extra: dict | None = None,
) -> Answer:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": body if body is not None else io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "CONTENT_TYPE": content_type,
    }
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    environ.update(extra or {})
    # Django's own test handler over that environ: it keeps the test's connection open,
    # and here checks CSRF as a real server does.
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    return Answer(
        status=response.status_code,
        headers=dict(response.items()),
        body=b"".join(response) if response.streaming else response.content,
    )
