"""The Celery app: `celery -A newsroom worker` runs import jobs (importer.tasks) sent by `import_issue --queue`.

Configured from Django's settings under the CELERY_ namespace (broker, queue, acks-late delivery: see
newsroom/settings.py), so a worker reads the same environment as every other process of a deployment.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["importer"])
