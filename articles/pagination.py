from rest_framework.pagination import PageNumberPagination


class ArchivePagination(PageNumberPagination):
    """Numbered pages; clients may ask for up to 200 rows a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
