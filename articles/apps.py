from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Archive")

    def ready(self) -> None:
        """jieba asks the word dictionary before it tokenises; registering it reads nothing (no query before
        migrations), the first tokenisation loads the words (see ``articles.dictionary``). The change-set
        signal marks history rows with the workbench operation they belong to (``articles.changesets``); SQLite
        connections get the functions its search triggers call."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from importer.parsing.tokens import set_dictionary_provider

        from . import changesets  # noqa: F401 (connects the signal)
        from .dictionary import dictionary_provider
        from .search import sqlite

        set_dictionary_provider(dictionary_provider)
        # SQLite's search index is kept by triggers that call Python functions (``articles.search.sqlite``)
        connection_created.connect(sqlite.register_functions, dispatch_uid="articles.search.sqlite")
        post_migrate.connect(sqlite.ensure_triggers, sender=self, dispatch_uid="articles.search.triggers")
