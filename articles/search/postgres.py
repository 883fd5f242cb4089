"""The PostgreSQL index: a ``search_grams`` tsvector of every character and character pair, with a GIN index.

The column is filled by a trigger from ``search_document`` and ``keywords`` whenever either is written, by
any path (the ORM, ``bulk_update``, the importer's ``COPY``): the services keep the document current and
the database derives the index, so no writer can forget it. The grams are computed in SQL
(``newsroom_search_grams``: regular expressions over each line, no per-character subscripts, which are
quadratic on text arrays).

Matching: the lexemes are unordered and without positions, so tsvector's 16,383-position limit never
applies; a term of one or two characters is one lexeme (exact), a longer one needs all its pairs and is
then checked with ``LIKE`` on the document (exact, whatever the article's length). Keywords are lexemes
``kw:<word>`` and the month of publication ``m:YYYY-MM`` (never confused with grams, which are at most two
characters): a search of recent matches (``service.newest_matches``) asks for its months in the same query.
"""

from __future__ import annotations

import re

from django.db.models import BooleanField, IntegerField

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
CREATE OR REPLACE FUNCTION newsroom_month_lexeme(day date) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN day IS NULL THEN ''::tsvector ELSE array_to_tsvector(ARRAY['m:'
    || lpad(extract(year FROM day)::int::text, 4, '0') || '-' || lpad(extract(month FROM day)::int::text, 2, '0')])
  END
$$;
CREATE OR REPLACE FUNCTION newsroom_article_search_grams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_grams := newsroom_search_grams(NEW.search_document) || newsroom_keyword_lexemes(NEW.keywords)
    || newsroom_month_lexeme(NEW.publication_date);
  RETURN NEW;
END
$$;
"""

#: The grams of one row as the trigger computes them (``search_reindex`` runs it over id ranges).
GRAMS_EXPRESSION = (
    "newsroom_search_grams(search_document) || newsroom_keyword_lexemes(keywords)"
    " || newsroom_month_lexeme(publication_date)"
)

INDEX = "article_search_grams"
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (search_grams)"
#: Filling the column of many rows and building the index once is about twice as fast as updating it row by row.
DROP_INDEX = f"DROP INDEX IF EXISTS {INDEX}"

TRIGGER = (
    "CREATE TRIGGER articles_article_search_grams BEFORE INSERT OR UPDATE OF search_document, keywords, "
    "publication_date ON articles_article FOR EACH ROW EXECUTE FUNCTION newsroom_article_search_grams()"
)
DROP_TRIGGER = "DROP TRIGGER IF EXISTS articles_article_search_grams ON articles_article"

INSTALL = [GRAMS_FUNCTION, "ALTER TABLE articles_article ADD COLUMN search_grams tsvector", TRIGGER, CREATE_INDEX]

#: From the first index (grams and keywords) to this one (also the month of publication, ``m:YYYY-MM``):
#: every row's grams are recomputed with the index dropped, then the index is built once.
ADD_MONTHS = [
    GRAMS_FUNCTION,
    DROP_TRIGGER,
    TRIGGER,
    DROP_INDEX,
    f"UPDATE articles_article SET search_grams = {GRAMS_EXPRESSION}",
    CREATE_INDEX,
]

UNINSTALL = [
    DROP_TRIGGER,
    "DROP INDEX IF EXISTS article_search_grams",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS newsroom_article_search_grams()",
    "DROP FUNCTION IF EXISTS newsroom_month_lexeme(date)",
    "DROP FUNCTION IF EXISTS newsroom_keyword_lexemes(text)",
    "DROP FUNCTION IF EXISTS newsroom_search_grams(text)",
]


def _lexeme(text: str) -> str:
    """A tsquery operand: quoted, with quotes and backslashes escaped (tsquery's own syntax)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def month_lexeme(year: int, month: int) -> str:
    """The lexeme of a month of publication, as ``newsroom_month_lexeme`` writes it."""
    return f"m:{year:04d}-{month:02d}"


def tsquery(
    *, terms: tuple[str, ...] = (), keywords: tuple[str, ...] = (), months: tuple[tuple[int, int], ...] = ()
) -> str:
    """The tsquery text every matching article's grams satisfy (all grams of all terms, all keywords, and one
    of ``months`` (year, month) when given: the GIN index then intersects the terms with those months
    itself, whatever the planner guesses about how common the terms are)."""
    lexemes = dict.fromkeys(gram for term in terms for gram in term_grams(term))
    lexemes.update(dict.fromkeys(f"kw:{keyword}" for keyword in keywords))
    query = " & ".join(map(_lexeme, lexemes))
    if months:
        query += " & (" + " | ".join(_lexeme(month_lexeme(*month)) for month in months) + ")"
    return query


#: ``{table}``: the article table's alias; ``%s``: a tsquery text from ``tsquery``.
MATCH_SQL = "{table}.search_grams @@ %s::tsquery"


def ids_in(ids: list[int]) -> TableSQL:
    """A WHERE term: the row's id is one of ``ids``, as one parameter (an ``IN`` of a thousand parameters cost
    the ORM and the driver more than the database's lookup)."""
    return TableSQL("{table}.id = ANY(%s::bigint[])", [list(ids)], BooleanField())


def position(ids: list[int]) -> TableSQL:
    """An ORDER BY term: where each row's id stands in ``ids`` (one array parameter, however many ids)."""
    return TableSQL("array_position(%s::bigint[], {table}.id)", [ids], IntegerField())


#: Rank of one term (``%s``: term, the whole-word parameter, term, term; ``{word_hit}``: the whole-word test
#: of ``word_hit``): headline, whole word, hits (up to 99; counted in bytes, which needs no pass over the
#: characters of the text, as ``length`` does).
RANK_TERM_SQL = (
    "(CASE WHEN strpos(split_part({table}.search_document, E'\\n', 1), %s) > 0 THEN 1000 ELSE 0 END"
    " + CASE WHEN {word_hit} THEN 100 ELSE 0 END"
    " + LEAST((octet_length({table}.search_document) - octet_length(replace({table}.search_document, %s, '')))"
    " / octet_length(%s), 99))"
)


def word_hit(term: str) -> tuple[str, str]:
    """SQL (one ``%s``) and its parameter: is ``term`` (case-folded) one of the article's jieba words? A term
    without cased letters is found as it is; one with them by a case-insensitive regular expression, which
    costs half of ``lower()`` over every candidate's words."""
    if term.upper() == term:
        return "strpos(' ' || {table}.search_tokens || ' ', %s) > 0", f" {term} "
    return "{table}.search_tokens ~* %s", "(^| )" + re.sub(r"(\W)", r"\\\1", term) + "( |$)"
