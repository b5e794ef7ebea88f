"""The import's limits: each a setting (``DVK_IMPORT_*``) with its default, and the
worker's time limits."""

from django.conf import settings

from ...models import Initiative

MB = 1024 * 1024


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("DVK_IMPORT_MAX_UPLOAD_BYTES", 20 * MB)


def max_uncompressed_bytes() -> int:
    return _limit("DVK_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * MB)


def max_ratio() -> int:
    return _limit("DVK_IMPORT_MAX_RATIO", 200)


def max_rows() -> int:
    return _limit("DVK_IMPORT_MAX_ROWS", 20_000)


def max_token_bytes() -> int:
    """The longest run between two markup delimiters ("<", ">") an XML part may hold:
    a cell's text is at most 32,767 characters, so 1 MB leaves room for any real one."""
    return _limit("DVK_IMPORT_MAX_TOKEN_BYTES", 1 * MB)


def parse_seconds() -> float:
    """The time budget of reading one file: the scan of its parts and the parse, each."""
    return float(getattr(settings, "DVK_IMPORT_PARSE_SECONDS", 60))


def parse_memory_bytes() -> int:
    """The address space of the child process that parses a file."""
    return _limit("DVK_IMPORT_PARSE_MEMORY_BYTES", 512 * MB)


def max_columns() -> int:
    """The widest sheet the parser hands over (the form has 16 columns)."""
    return _limit("DVK_IMPORT_MAX_COLUMNS", 256)


# The Celery task's limits (models_registry/tasks.py), well under the broker's
# visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT, an hour): 20,000 rows submitted
# at once take minutes on a small server.
IMPORT_SOFT_TIME_LIMIT = 25 * 60
IMPORT_TIME_LIMIT = 27 * 60


def requeue_after() -> float:
    """A confirmed job still waiting this many seconds after it was queued lost its
    message: the beat (which runs this often) queues it again."""
    return float(getattr(settings, "DVK_IMPORT_REQUEUE_EVERY", 60))


def background_rows() -> int:
    """Above this many rows a confirmed import runs in a Celery worker."""
    return _limit("DVK_IMPORT_BACKGROUND_ROWS", 300)


# Zip members below this size cannot hurt, whatever their ratio.
RATIO_FLOOR_BYTES = 1 * MB
MAX_MEMBERS = 10_000
HEADER_SCAN_ROWS = 40
NAME_MAX = Initiative._meta.get_field("name").max_length
