from django.conf import settings
from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    """Cursor pagination keeps deep pages as fast as the first (no OFFSET) and stable under inserts."""

    page_size = 50
    page_size_query_param = "page_size"
    ordering = "-id"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        """settings.API_MAX_PAGE_SIZE, read per request so an installation (or a test) can change it."""
        return int(settings.API_MAX_PAGE_SIZE)
