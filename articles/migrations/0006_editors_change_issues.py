"""Editors may now correct an issue's paper, date and edition (through ``issue_update``)."""

from django.db import migrations

from articles.permissions import ensure_editors_group


def update_editors_group(apps, schema_editor):
    ensure_editors_group(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_versions_and_issue_history")]

    operations = [migrations.RunPython(update_editors_group, migrations.RunPython.noop)]
