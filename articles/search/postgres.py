"""The PostgreSQL index: a ``search_grams`` tsvector of every character and character pair, with a GIN index.

The column is filled by a trigger from ``search_document`` and ``keywords`` whenever either is written, by
any path (the ORM, ``bulk_update``, the importer's ``COPY``): the services keep the document current and
the database derives the index, so no writer can forget it. The grams are computed in SQL
(``newsroom_search_grams``: regular expressions over each line, no per-character subscripts, which are
quadratic on text arrays).

Matching: the lexemes are unordered and without positions, so tsvector's 16,383-position limit never
applies; a term of one or two characters is one lexeme (exact), a longer one needs all its pairs and is
then checked with ``LIKE`` on the document (exact, whatever the article's length). Keywords are lexemes
``kw:<word>`` (never confused with grams, which are at most two characters).
"""

from __future__ import annotations

import re

from django.db.models import IntegerField

from importer.parsing.searchtext import term_grams

from .expressions import TableSQL

GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION newsroom_search_grams(document text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array(
    SELECT regexp_split_to_table(line, '') FROM unnest(string_to_array(document, E'\n')) line WHERE line <> ''
    UNION ALL
    SELECT (regexp_matches(line, '..', 'g'))[1] FROM unnest(string_to_array(document, E'\n')) line
    UNION ALL
    SELECT (regexp_matches(substr(line, 2), '..', 'g'))[1] FROM unnest(string_to_array(document, E'\n')) line))
$$;
CREATE OR REPLACE FUNCTION newsroom_keyword_lexemes(keywords text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array(SELECT 'kw:' || word FROM regexp_split_to_table(keywords, ' ') word WHERE word <> ''))
$$;
CREATE OR REPLACE FUNCTION newsroom_article_search_grams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_grams := newsroom_search_grams(NEW.search_document) || newsroom_keyword_lexemes(NEW.keywords);
  RETURN NEW;
END
$$;
"""

#: The grams of one row as the trigger computes them (``search_reindex`` runs it over id ranges).
GRAMS_EXPRESSION = "newsroom_search_grams(search_document) || newsroom_keyword_lexemes(keywords)"

INDEX = "article_search_grams"
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (search_grams)"
#: Filling the column of many rows and building the index once is about twice as fast as updating it row by row.
DROP_INDEX = f"DROP INDEX IF EXISTS {INDEX}"

INSTALL = [
    GRAMS_FUNCTION,
    "ALTER TABLE articles_article ADD COLUMN search_grams tsvector",
    "CREATE TRIGGER articles_article_search_grams BEFORE INSERT OR UPDATE OF search_document, keywords "
    "ON articles_article FOR EACH ROW EXECUTE FUNCTION newsroom_article_search_grams()",
    CREATE_INDEX,
]

UNINSTALL = [
    "DROP TRIGGER IF EXISTS articles_article_search_grams ON articles_article",
    "DROP INDEX IF EXISTS article_search_grams",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS newsroom_article_search_grams()",
    "DROP FUNCTION IF EXISTS newsroom_keyword_lexemes(text)",
    "DROP FUNCTION IF EXISTS newsroom_search_grams(text)",
]


def _lexeme(text: str) -> str:
    """A tsquery operand: quoted, with quotes and backslashes escaped (tsquery's own syntax)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(*, terms: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> str:
    """The tsquery text every matching article's grams satisfy (all grams of all terms, all keywords)."""
    lexemes = dict.fromkeys(gram for term in terms for gram in term_grams(term))
    lexemes.update(dict.fromkeys(f"kw:{keyword}" for keyword in keywords))
    return " & ".join(map(_lexeme, lexemes))


#: ``{table}``: the article table's alias; ``%s``: a tsquery text from ``tsquery``.
MATCH_SQL = "{table}.search_grams @@ %s::tsquery"


def position(ids: list[int]) -> TableSQL:
    """An ORDER BY term: where each row's id stands in ``ids`` (one array parameter, however many ids)."""
    return TableSQL("array_position(%s::bigint[], {table}.id)", [ids], IntegerField())


#: Rank of one term (``%s``: term, the whole-word parameter, term, term length; ``{word_hit}``: the
#: whole-word test of ``word_hit``): headline, whole word, hits (up to 99).
RANK_TERM_SQL = (
    "(CASE WHEN strpos(split_part({table}.search_document, E'\\n', 1), %s) > 0 THEN 1000 ELSE 0 END"
    " + CASE WHEN {word_hit} THEN 100 ELSE 0 END"
    " + LEAST((length({table}.search_document) - length(replace({table}.search_document, %s, ''))) / %s, 99))"
)


def word_hit(term: str) -> tuple[str, str]:
    """SQL (one ``%s``) and its parameter: is ``term`` (case-folded) one of the article's jieba words? A term
    without cased letters is found as it is; one with them by a case-insensitive regular expression, which
    costs half of ``lower()`` over every candidate's words."""
    if term.upper() == term:
        return "strpos(' ' || {table}.search_tokens || ' ', %s) > 0", f" {term} "
    return "{table}.search_tokens ~* %s", "(^| )" + re.sub(r"(\W)", r"\\\1", term) + "( |$)"
