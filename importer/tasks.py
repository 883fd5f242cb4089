"""The Celery task: one import job, run by `celery -A newsroom worker` (see importer.services.jobs).

The task only decodes its JSON arguments and calls ``import_job_run``, the same service code a local batch
runs, so there is nothing here to drift from it. Delivery is acks-late (newsroom/settings.py): a worker that
dies mid-job has its job delivered again; a job that could not log its files, or met a database that was
not answering, is retried with a growing delay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from kombu.exceptions import OperationalError

from newsroom.celery import app

from .services.jobs import ImportOptions, JobIncomplete, import_job_run, source_from_json

#: what ``import_status`` and the tests look for
TASK_NAME = "importer.import_job"


class BrokerUnavailable(Exception):
    """No broker answered: `import_issue --queue` says so instead of waiting."""


@app.task(
    name=TASK_NAME,
    autoretry_for=(DatabaseError, JobIncomplete),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def import_job(run_id: int, sources: list[dict], options: dict) -> dict:
    reports = import_job_run(
        run_id=run_id, sources=[source_from_json(s) for s in sources], options=ImportOptions.from_json(options)
    )
    return {"run_id": run_id, "files": len(reports)}


def broker_check() -> None:
    """Raise ``BrokerUnavailable`` unless the broker answers within NEWSROOM_CELERY_CONNECT_TIMEOUT seconds."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=settings.NEWSROOM_CELERY_CONNECT_TIMEOUT)
    except (OperationalError, OSError) as error:
        raise BrokerUnavailable(f"{broker_name()}: {error}") from error


def broker_name() -> str:
    """The broker's address without its password, for messages."""
    return app.connection_for_write().as_uri()


def import_job_send(payload: dict, *, queue: str) -> None:
    """Send one job (the keyword arguments of ``import_job``) to ``queue``; a broker gone quiet raises soon."""
    try:
        import_job.apply_async(
            kwargs=payload,
            queue=queue,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except (OperationalError, OSError) as error:
        raise BrokerUnavailable(f"{broker_name()}: {error}") from error
