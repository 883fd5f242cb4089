"""``manage.py export_archive --format jsonl|csv [filters] [--output FILE]``: the archive's articles, streamed.

The filters are the API's (``ArticleExportFilter``: a search lists every match, newest first), given as
options; the rows and their serialisation are the export endpoint's (``articles.export``). Public articles
only unless ``--all``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from articles.export import FORMATS, export_lines
from articles.filters import ArticleExportFilter
from articles.models import Article
from articles.selectors import ARTICLE_ORDER

MSG_BAD_FILTER = "Invalid filter: %(errors)s"
MSG_DONE = "Exported %(n)d articles to %(output)s."

#: the API's filters as options: --date-from is date_from, and so on
FILTER_OPTIONS = (
    "q",
    "date",
    "date_from",
    "date_to",
    "year",
    "month",
    "paper",
    "issue",
    "page_number",
    "section",
    "kind",
    "status",
    "reporter",
    "role",
    "has_photos",
    "verified",
)

MULTIPLE = frozenset({"kind", "status"})


class Command(BaseCommand):
    help = "Export articles as JSON Lines or CSV, streamed (constant memory), with the API's filters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--all", action="store_true", help="every article, drafts and copies included")
        for name in FILTER_OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"the API's {name} filter")

    def handle(self, *args, **options) -> None:
        data = QueryDict(mutable=True)
        for name in FILTER_OPTIONS:
            if options.get(name) is not None:
                # kind and status take several values, comma-separated here (repeated in a URL)
                values = options[name].split(",") if name in MULTIPLE else [options[name]]
                data.setlist(name, values)
        articles = Article.objects.all() if options["all"] else Article.objects.public()
        filtered = ArticleExportFilter(data, queryset=articles.order_by(*ARTICLE_ORDER), request=None)
        if not filtered.is_valid():
            raise CommandError(MSG_BAD_FILTER % {"errors": dict(filtered.errors)})
        output = options["output"]
        records = export_lines(queryset=filtered.qs, fmt=options["format"])
        count = 0
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for count, line in enumerate(records, start=1):  # noqa: B007 (the count is the last one)
                    handle.write(line)
        else:
            for count, line in enumerate(records, start=1):  # noqa: B007
                self.stdout.write(line, ending="")
        rows = max(count - 1, 0) if options["format"] == "csv" else count
        self.stderr.write(MSG_DONE % {"n": rows, "output": output or "standard output"})
