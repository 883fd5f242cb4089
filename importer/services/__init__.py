"""Writes of the import path (HackSoft-style services): ``issue_import`` and ``issue_purge`` write one
issue (``issues``); ``issues_import_batch`` runs batches (``batches``); the ``import_run_*`` services keep
the import log's runs, from start to finish, interruption or abandonment (``runs``); ``import_run_queue``
and ``import_job_run`` do the same through Celery workers (``jobs``). Commands call these; nothing else
writes imported rows.
"""

from .batches import (
    ALREADY_IMPORTED,
    BatchReport,
    FileReport,
    import_max_bytes,
    import_parse_timeout,
    issues_import_batch,
)
from .issues import COUNT_KEYS, IssueImportResult, apply_overrides, issue_import, issue_purge
from .jobs import ImportOptions, import_job_run, import_run_finish_if_done, import_run_queue
from .runs import (
    import_run_abort,
    import_run_finish,
    import_run_heartbeat,
    import_run_interrupt,
    import_run_start,
    import_runs_mark_stale,
)

__all__ = [
    "ALREADY_IMPORTED",
    "COUNT_KEYS",
    "BatchReport",
    "FileReport",
    "ImportOptions",
    "IssueImportResult",
    "apply_overrides",
    "import_job_run",
    "import_max_bytes",
    "import_parse_timeout",
    "import_run_abort",
    "import_run_finish",
    "import_run_finish_if_done",
    "import_run_heartbeat",
    "import_run_interrupt",
    "import_run_queue",
    "import_run_start",
    "import_runs_mark_stale",
    "issue_import",
    "issue_purge",
    "issues_import_batch",
]
