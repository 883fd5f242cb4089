"""The editors' admin: every model editable, history kept, writes routed through ``articles.services``.

One module per model; importing them registers their ``ModelAdmin``.
"""

from . import article, credit, dictionary, issue, page, photo, reporter  # noqa: F401
