"""The one reader of the environment.

Settings (and any other application code) read a variable only through ``env``, one
typed helper per kind, each given the variable's name and its embedded default:

    from config.env import env

    DEBUG = env.bool("DJANGO_DEBUG", False)
    EMAIL_PORT = env.int("EMAIL_PORT", 25)

An unset variable gives the default, returned as it is given; a set one is parsed (an
empty string is a value, not "unset", except where the caller says ``or``). Every
variable read this way has a line in docs/configuration.md: tests/test_configuration.py
collects the names from these calls in the source and fails on one the docs do not name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})

# A variable without a default must be set: reading it unset raises KeyError.
REQUIRED: Any = object()


class Environment:
    """Typed reads of one mapping of variables (``os.environ`` for the app)."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self._environ = environ
        # The names asked for so far, in order: what this process actually read.
        self.names_read: list[str] = []

    def _raw(self, name: str, default: Any) -> str | None:
        if name not in self.names_read:
            self.names_read.append(name)
        value = self._environ.get(name)
        if value is None and default is REQUIRED:
            raise KeyError(name)
        return value

    def is_set(self, name: str) -> bool:
        """Whether the variable is present at all (an empty value counts)."""
        return self._raw(name, None) is not None

    def str(self, name: str, default: Any = REQUIRED) -> Any:
        value = self._raw(name, default)
        return default if value is None else value

    def url(self, name: str, default: Any = REQUIRED) -> Any:
        """A URL, given as it is: its reader (dj-database-url, kombu) parses it."""
        return self.str(name, default)

    def bool(self, name: str, default: bool = False) -> bool:
        """1, true, yes, on (any case, spaces around ignored) are true; anything else false."""
        value = self._raw(name, default)
        return default if value is None else value.strip().lower() in TRUE_WORDS

    def int(self, name: str, default: int) -> int:
        value = self._raw(name, default)
        return default if value is None else int(value)

    def float(self, name: str, default: float) -> float:
        value = self._raw(name, default)
        return float(default if value is None else value)

    def list(self, name: str, default: list[str] | tuple[str, ...] = ()) -> list[str]:
        """Comma-separated; items stripped, empty items dropped."""
        value = self._raw(name, default)
        if value is None:
            return [*default]
        return [item.strip() for item in value.split(",") if item.strip()]

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name, default)
        return Path(default if value is None else value)

    def for_child(self, **extra: str) -> dict[str, str]:
        """The whole environment, plus ``extra``, for a child process (pg_dump's
        PGPASSWORD): passed through, not read, so no variable is named here."""
        return {**self._environ, **extra}


env = Environment()
