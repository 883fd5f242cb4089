"""Search of the archive: the document and query (``importer.parsing.searchtext``), the index and ranking.

``articles.search.service`` is the one interface the API, the admin and the commands use; it hides which
database answers (``postgres``: a tsvector of grams with a GIN index; ``sqlite``: an FTS5 table of grams).
"""

from importer.parsing.searchtext import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    SearchQuery,
    SearchQueryError,
    build_search_document,
    normalise_for_search,
    parse_query,
    query_terms,
)

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "SearchQuery",
    "SearchQueryError",
    "build_search_document",
    "normalise_for_search",
    "parse_query",
    "query_terms",
]
