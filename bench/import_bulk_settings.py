"""Settings for bench/import_bulk.py: the project's own, with room for its 50,000-row
form (the import refuses more than ``DVK_IMPORT_MAX_ROWS`` rows, 20,000 by default)."""

from config.settings import *  # noqa: F403

DVK_IMPORT_MAX_ROWS = 100_000
