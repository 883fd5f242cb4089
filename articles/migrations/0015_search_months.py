"""The PostgreSQL search index also holds each article's month of publication (``m:YYYY-MM``), so a search of
the newest matches asks the index for its months and the index intersects them with the terms itself.

Every row's grams are recomputed with the index dropped, and the index is built once (3.5 minutes at 100,000
articles on a loaded 2-core machine: see README.md). SQLite's index has no dates (its searches filter them): nothing
changes there.
"""

from django.db import migrations


def add_months(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in postgres.ADD_MONTHS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_index"),
    ]

    operations = [migrations.RunPython(add_months, migrations.RunPython.noop)]
