# The browser fixtures live in tests/conftest.py (one session browser for every folder).
from tests.browser import PHONE, login  # noqa: F401  (imported by the browser tests)
