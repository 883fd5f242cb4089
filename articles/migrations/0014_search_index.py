"""The search index: keywords on the article, and the grams index the database keeps from the search document.

PostgreSQL: a ``search_grams`` tsvector column filled by a trigger, with a GIN index. SQLite: an FTS5 table
``articles_search`` filled by triggers. Rows written before this migration are indexed by
``manage.py search_reindex`` (which also rewrites their search documents in the current format).
"""

from django.db import migrations, models


def install(apps, schema_editor):
    from articles.search import postgres, sqlite

    backend = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
    for statement in backend.INSTALL:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    from articles.search import postgres, sqlite

    backend = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
    for statement in backend.UNINSTALL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_article_publication_date_and_counters'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='keywords',
            field=models.CharField(blank=True, help_text='jieba.analyse keywords of the article, space-separated, the most telling first.', max_length=500, verbose_name='keywords'),
        ),
        migrations.RunPython(install, uninstall),
    ]
