"""A Celery worker that stops in the middle of its first file, for the test that kills a worker mid-job.

``python -m tests.importer.pausing_worker MARKER [celery worker options]``: the worker's first file is written
inside its transaction (rows inserted, nothing committed) and then, instead of committing, the pool process
writes its pid to MARKER and sleeps until it is killed. Every later file (MARKER exists) is written as usual.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(marker: Path, worker_args: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from importer.services import batches
    from newsroom.celery import app

    real = batches.issue_import_in_transaction

    def pausing(**kwargs):
        result = real(**kwargs)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(3600)
        return result

    batches.issue_import_in_transaction = pausing
    app.worker_main(["worker", *worker_args])


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
