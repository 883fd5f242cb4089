"""Writes of the import path (HackSoft-style services): ``issue_import`` and ``issue_purge`` write one
issue (``issues``); ``issues_import_batch`` and the ``import_run_*`` services run batches and keep the
import log (``batches``); ``import_run_queue`` and ``import_job_run`` do the same through Celery workers
(``jobs``). Commands call these; nothing else writes imported rows.
"""

from .batches import (
    BatchReport,
    FileReport,
    import_run_abort,
    import_run_finish,
    import_run_start,
    issues_import_batch,
)
from .issues import COUNT_KEYS, IssueImportResult, apply_overrides, issue_import, issue_purge
from .jobs import ImportOptions, import_job_run, import_run_finish_if_done, import_run_queue

__all__ = [
    "COUNT_KEYS",
    "BatchReport",
    "FileReport",
    "ImportOptions",
    "IssueImportResult",
    "apply_overrides",
    "import_job_run",
    "import_run_abort",
    "import_run_finish",
    "import_run_finish_if_done",
    "import_run_queue",
    "import_run_start",
    "issue_import",
    "issue_purge",
    "issues_import_batch",
]
