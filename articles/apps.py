from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Archive")

    def ready(self) -> None:
        """jieba asks the word dictionary before it tokenises; registering it reads nothing (no query before
        migrations), the first tokenisation loads the words (see ``articles.dictionary``). The change-set
        signal marks history rows with the workbench operation they belong to (``articles.changesets``); saves and
        deletes of articles, credits and photos mark their reporters' stored counters (``articles.counters``);
        SQLite connections get the functions its search triggers call."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_init, post_migrate, post_save

        from importer.parsing.tokens import set_dictionary_provider

        from . import (
            changesets,  # noqa: F401 (connects the signal)
            counters,
        )
        from .dictionary import dictionary_provider
        from .models import Article, ArticleCredit, Photo
        from .search import sqlite

        set_dictionary_provider(dictionary_provider)
        post_save.connect(counters.on_article_saved, sender=Article, dispatch_uid="counters-article-saved")
        post_delete.connect(counters.on_article_deleted, sender=Article, dispatch_uid="counters-article-deleted")
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(counters.on_credit_changed, sender=ArticleCredit, dispatch_uid=f"counters-credit-{name}")
            signal.connect(counters.on_photo_changed, sender=Photo, dispatch_uid=f"counters-photo-{name}")
        post_init.connect(counters.on_credit_loaded, sender=ArticleCredit, dispatch_uid="counters-credit-loaded")
        post_init.connect(counters.on_photo_loaded, sender=Photo, dispatch_uid="counters-photo-loaded")
        # SQLite's search index is kept by triggers that call Python functions (``articles.search.sqlite``)
        connection_created.connect(sqlite.register_functions, dispatch_uid="articles.search.sqlite")
        post_migrate.connect(sqlite.ensure_triggers, sender=self, dispatch_uid="articles.search.triggers")
