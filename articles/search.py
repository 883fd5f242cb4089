"""Search text of articles: built and normalised by ``importer.parsing.searchtext`` (shared with the import workers)."""

from importer.parsing.searchtext import build_search_document, normalise_for_search, query_terms

__all__ = ["build_search_document", "normalise_for_search", "query_terms"]
