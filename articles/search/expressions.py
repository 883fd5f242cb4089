"""SQL over the article table that the ORM has no expression for (the index's match, the window's order)."""

from __future__ import annotations

from django.db.models import Expression


class TableSQL(Expression):
    """SQL over the article table, with ``{table}`` replaced by its alias in the query being compiled
    (``articles_article`` at the top, ``U0`` inside a subquery)."""

    def __init__(self, sql: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.sql.format(table=table), self.params

    def get_group_by_cols(self):
        return [self]
