"""The SQLite index: an FTS5 table ``articles_search`` of the same grams, one row per article (rowid = id).

Triggers fill it from ``search_document`` and ``keywords`` on every insert, update and delete, calling
``newsroom_search_grams`` and ``newsroom_search_keywords``: Python functions registered on every connection
(``register_functions``, from ``connection_created``). FTS5's own tokenizers do not fit (unicode61 keeps a run
of Chinese characters as one token; trigram misses one- and two-character queries on SQLite 3.40), so each
gram is written as an ASCII token, six hex digits per character, which unicode61 keeps as it is.

The triggers are the one way rows get indexed, whoever writes (the ORM, ``bulk_update``, deletes, raw SQL).
The importer's workers compute the grams of what they parse (``importer.parsing.searchtext.index_grams_text``),
and its single writer hands them to the trigger's function (``grams_given``) instead of having them computed
again, in the one process every file waits for: the function answers a document it was given with the grams
given with it, and computes any other document's.

Django rebuilds a SQLite table for some schema changes (copy, drop, rename), which drops its triggers: the
``post_migrate`` handler (``ensure_triggers``) puts them back; the rows and ids are unchanged by a rebuild,
so the index stays right.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.db import connection as default_connection
from django.db.models import BooleanField, IntegerField

from importer.parsing.searchtext import index_grams_text, index_token, term_grams

from .expressions import TableSQL

TABLE = "articles_search"

CREATE_TABLE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(grams, keywords, detail=column)"

TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS articles_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO {TABLE}(rowid, grams, keywords)
        VALUES (new.id, newsroom_search_grams(new.search_document), newsroom_search_keywords(new.keywords));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_search_update AFTER UPDATE OF search_document, keywords
    ON articles_article BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, grams, keywords)
        VALUES (new.id, newsroom_search_grams(new.search_document), newsroom_search_keywords(new.keywords));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_search_delete AFTER DELETE ON articles_article BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
]

INSTALL = [CREATE_TABLE, *TRIGGERS]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_search_insert",
    "DROP TRIGGER IF EXISTS articles_search_update",
    "DROP TRIGGER IF EXISTS articles_search_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
]

#: Rebuild the rows of an id range (``search_reindex``).
REINDEX = [
    f"DELETE FROM {TABLE} WHERE rowid BETWEEN %s AND %s",
    f"""INSERT INTO {TABLE}(rowid, grams, keywords)
        SELECT id, newsroom_search_grams(search_document), newsroom_search_keywords(keywords)
        FROM articles_article WHERE id BETWEEN %s AND %s""",
]

#: ``{table}``: the article table's alias; ``%s``: an FTS5 query from ``fts_query``.
MATCH_SQL = "{table}.id IN (SELECT rowid FROM " + TABLE + " WHERE " + TABLE + " MATCH %s)"


def ids_in(ids: list[int]) -> TableSQL:
    """A WHERE term: the row's id is one of ``ids``, as one parameter (an ``IN`` of a thousand parameters cost
    the ORM and the driver more than the database's lookup)."""
    return TableSQL("{table}.id IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))], BooleanField())


def position(ids: list[int]) -> TableSQL:
    """An ORDER BY term: where each row's id stands in ``ids`` (one text parameter, however many ids)."""
    return TableSQL("instr(%s, ',' || {table}.id || ',')", ["," + ",".join(map(str, ids)) + ","], IntegerField())


#: Rank of one term, as in ``postgres.RANK_TERM_SQL``.
RANK_TERM_SQL = (
    "(CASE WHEN instr(substr({table}.search_document, 1, instr({table}.search_document || char(10), char(10)) - 1),"
    " %s) > 0 THEN 1000 ELSE 0 END"
    " + CASE WHEN {word_hit} THEN 100 ELSE 0 END"
    " + min((length({table}.search_document) - length(replace({table}.search_document, %s, ''))) / length(%s), 99))"
)


def word_hit(term: str) -> tuple[str, str]:
    """As ``postgres.word_hit``; SQLite's ``lower`` folds ASCII only, and cheaply."""
    words = "{table}.search_tokens" if term.upper() == term else "lower({table}.search_tokens)"
    return f"instr(' ' || {words} || ' ', %s) > 0", f" {term} "


def token(text: str) -> str:
    """A gram or keyword as an ASCII token: six hex digits per character."""
    return index_token(text)


def grams_text(document: str | None) -> str:
    """The ``grams`` column of a document: its grams as tokens, sorted, space-separated."""
    return index_grams_text(document)


def keywords_text(keywords: str | None) -> str:
    return " ".join(map(token, (keywords or "").split()))


def fts_query(*, terms: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> str:
    """An FTS5 query: every gram of every term in ``grams``, every keyword in ``keywords``."""
    grams = dict.fromkeys(token(gram) for term in terms for gram in term_grams(term))
    parts = [f'grams : "{gram}"' for gram in grams]
    parts += [f'keywords : "{token(keyword)}"' for keyword in dict.fromkeys(keywords)]
    return " AND ".join(parts)


#: Attribute of a connection (Django's wrapper) holding the grams given for the documents being written.
_GIVEN = "_search_grams_given"


def register_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the functions the triggers call, on every SQLite connection."""
    if connection.vendor != "sqlite":
        return
    given: dict[str, str] = {}
    setattr(connection, _GIVEN, given)

    def grams(document: str | None) -> str:
        found = given.get(document) if given and document else None
        return found if found is not None else grams_text(document)

    connection.connection.create_function("newsroom_search_grams", 1, grams, deterministic=True)
    connection.connection.create_function("newsroom_search_keywords", 1, keywords_text, deterministic=True)


@contextmanager
def grams_given(grams_by_document: Mapping[str, str], *, connection=None) -> Iterator[None]:
    """While the block runs, the triggers index these documents with the grams given for them (each must be
    ``grams_text`` of its document: the importer's workers computed them so); any other document is
    computed as always. A no-op on other databases, or with nothing given."""
    connection = connection or default_connection
    if connection.vendor != "sqlite" or not grams_by_document:
        yield
        return
    connection.ensure_connection()
    given = getattr(connection, _GIVEN)
    before = dict(given)  # empty, unless blocks nest
    given.update(grams_by_document)
    try:
        yield
    finally:
        given.clear()
        given.update(before)


def ensure_triggers(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` receiver: the index table and triggers exist (a table rebuild drops triggers)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or TABLE not in connection.introspection.table_names():
        return  # not migrated that far (the migration creates the table and its triggers)
    with connection.cursor() as cursor:
        for statement in TRIGGERS:
            cursor.execute(statement)
