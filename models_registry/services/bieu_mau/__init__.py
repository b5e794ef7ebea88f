"""The registration form (biểu mẫu) in and out: the import of the form as units really
fill it, and the export of any filtered list in the same layout (DESIGN.md §5).

The import runs in three steps, each a function, and a job around them:

- ``safety.registration_file_check``: is this an xlsx we are willing to open? Size, magic
  bytes, password protection and the zip's declared sizes and ratios are checked *before*
  openpyxl reads a byte of XML, so a zip bomb or a renamed PDF costs nothing.
- ``plan.registration_import_plan``: read the form (``parse``: headers found by their
  text, any sheet) and decide, without writing, what every row would become, with every
  problem by row and column. Used for the preview and for ``--dry-run``.
- ``apply.registration_import_apply``: plan again (the database may have moved since the
  preview) and, when there is no problem, create, update and submit through the
  services, all in one transaction: a file with any error creates nothing.

``jobs.import_job_*`` wrap these around an ``ImportJob`` (upload → check and preview in
a worker → confirm; large files run in the background too, see ``models_registry.tasks``).
The upload request runs only the cheap part of step 1 (size and kind); the scan, the
parse and the plan run in the worker under the task's time limit. ``layout`` is the form
itself (column names, the words that recognise each header), shared with ``export``.

Callers import from this package; the modules' own names are for the tests.
"""

from .apply import registration_import_apply
from .export import registrations_export
from .jobs import (
    import_job_check,
    import_job_confirm,
    import_job_create,
    import_job_get,
    import_job_list,
    import_job_run,
    import_job_runs_in_background,
    import_jobs_requeue,
)
from .limits import (
    IMPORT_SOFT_TIME_LIMIT,
    IMPORT_TIME_LIMIT,
    background_rows,
    max_rows,
    max_upload_bytes,
)
from .parse import parse_date, parse_mark, registration_file_read
from .plan import import_allowed, registration_import_plan
from .results import (
    Action,
    ImportFileError,
    ImportOutcome,
    ImportPlan,
    PlannedRow,
    Problem,
)
from .safety import registration_file_check

__all__ = [
    "IMPORT_SOFT_TIME_LIMIT",
    "IMPORT_TIME_LIMIT",
    "Action",
    "ImportFileError",
    "ImportOutcome",
    "ImportPlan",
    "PlannedRow",
    "Problem",
    "background_rows",
    "import_allowed",
    "import_job_check",
    "import_job_confirm",
    "import_job_create",
    "import_job_get",
    "import_job_list",
    "import_job_run",
    "import_job_runs_in_background",
    "import_jobs_requeue",
    "max_rows",
    "max_upload_bytes",
    "parse_date",
    "parse_mark",
    "registration_file_check",
    "registration_file_read",
    "registration_import_apply",
    "registration_import_plan",
    "registrations_export",
]
