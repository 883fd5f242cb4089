"""How the importer inserts rows: PostgreSQL's ``COPY`` with primary keys drawn up front, else ``bulk_create``.

Kept apart from the domain writes (``issues``): nothing here knows what an issue or an article is, only
tables, keys and column values. Every row the importer inserts goes through ``bulk_insert`` (tests make
it fail there).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, CharField, IntegerField, Model, TextField


def bulk_insert(model, objects, **options) -> list:
    """The single place the importer inserts rows (tests make it fail here).

    On PostgreSQL, plain inserts go through ``COPY``: building and sending a multi-row ``INSERT`` cost
    the writer as much time as the database spent storing the rows. Elsewhere (SQLite), and for inserts
    with options such as ``ignore_conflicts``, Django's ``bulk_create``.
    """
    if not objects:
        return objects
    if connection.vendor == "postgresql" and not options:
        return _copy_insert(model, objects)
    return model.objects.bulk_create(objects, batch_size=500, **options)


def insert_in_order(groups: list[tuple[type[Model], list]]) -> None:
    """Insert groups of unsaved instances in order; a group may reference instances of earlier groups.

    On PostgreSQL every group's primary keys are drawn first, in one query: the round trips, not the
    rows, were most of what a file's write waited for.
    """
    groups = [(model, objects) for model, objects in groups if objects]
    if not groups:  # a re-import where editors kept everything
        return
    if connection.vendor == "postgresql":
        _draw_primary_keys(groups)
        # with every key known, neighbouring groups of one table go in one COPY (foreign keys are
        # checked at commit)
        merged: list[tuple[type[Model], list]] = []
        for model, objects in groups:
            if merged and merged[-1][0] is model:
                merged[-1] = (model, merged[-1][1] + objects)
            else:
                merged.append((model, objects))
        groups = merged
    for model, objects in groups:
        bulk_insert(model, objects)


def _draw_primary_keys(groups: list[tuple[type[Model], list]]) -> None:
    """Give unsaved instances primary keys from their tables' own sequences, in one query."""
    arrays = ", ".join(
        "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))" for _ in groups
    )
    params = [
        value for model, objects in groups for value in (model._meta.db_table, model._meta.pk.column, len(objects))
    ]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT {arrays}", params)
        keys = cursor.fetchone()
    for (_, objects), drawn in zip(groups, keys, strict=True):
        for instance, key in zip(objects, drawn, strict=True):
            instance.pk = key


def _copy_insert(model, objects: list) -> list:
    """Insert unsaved model instances with PostgreSQL's ``COPY``.

    The rows are exactly what ``bulk_create`` would have written (same defaults, ``auto_now_add``
    stamps, foreign keys, JSON encoding; a test compares both); primary keys come from the table's
    own sequence, so the instances can be referenced by rows written after them.
    """
    if any(instance.pk is None for instance in objects):
        _draw_primary_keys([(model, [instance for instance in objects if instance.pk is None])])
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the ``connection`` proxy costs a lookup per use
    columns, values = _copy_columns(model)
    statement = f"COPY {db.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    # the raw psycopg cursor's COPY: its errors are made Django's, as for every other query
    with db.wrap_database_errors, db.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for instance in objects:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")
            copy.write_row([value(instance, db) for value in values])
    for instance in objects:
        instance._state.adding = False
        instance._state.db = db.alias
    return objects


@cache
def _copy_columns(model) -> tuple[str, list[Callable]]:
    """The quoted column list of a model's table, and for each column how to read its value from an
    instance. Text, numbers, booleans and keys are stored as they are; every other field (dates, JSON,
    ``auto_now_add`` stamps) goes through Django's own ``pre_save`` and ``get_db_prep_save``."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    fields = model._meta.concrete_fields
    stored_as_is = (CharField, TextField, IntegerField, BooleanField)
    values: list[Callable] = []
    for model_field in fields:
        if model_field.is_relation or model_field.primary_key or isinstance(model_field, stored_as_is):
            values.append(lambda instance, db, attname=model_field.attname: getattr(instance, attname))
        else:
            values.append(lambda instance, db, f=model_field: f.get_db_prep_save(f.pre_save(instance, True), db))
    return ", ".join(quote(model_field.column) for model_field in fields), values
