"""``manage.py search_reindex``: rebuild the search documents and the search index, in id chunks, resumable.

Each chunk is one transaction (``articles.search.reindex``); after each one the last id done is written to
the checkpoint file, so an interrupted run continues with ``--resume``. Writers keep the index current on
their own (the database derives it from the documents): this command is for rows written before the index
existed, after a change of the document's format, or with ``--tokens`` after a jieba change.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.models import Article
from articles.search.reindex import search_index_build, search_index_drop, search_reindex_range

MESSAGE_DONE = "Search index rebuilt: {count} articles in {chunks} chunks (ids up to {last_id})."
MESSAGE_RESUMED = "Resuming after article id {last_id} (checkpoint {path})."
MESSAGE_NOTHING = "No articles after id {last_id}: nothing to do."
MESSAGE_BAD_CHECKPOINT = "Checkpoint {path} is not one this command wrote: {error}"
MESSAGE_INDEX_DROPPED = "Over {count} articles: the GIN index is dropped now and built once at the end."
MESSAGE_INDEX_BUILT = "GIN index built."
#: From this many articles on, PostgreSQL's index is built once at the end rather than updated row by row.
BUILD_INDEX_ABOVE = 50_000


def _default_checkpoint() -> Path:
    return Path(settings.BASE_DIR) / "var" / "search_reindex.json"


class Command(BaseCommand):
    help = "Rebuild search documents and the search index of all articles, in chunks (resumable with --resume)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000, help="articles per transaction (2000)")
        parser.add_argument("--resume", action="store_true", help="continue after the checkpoint's last id")
        parser.add_argument("--start-id", type=int, default=0, help="only articles with a larger id")
        parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint file (var/search_reindex.json)")
        parser.add_argument("--tokens", action="store_true", help="cut the jieba words and keywords again (slow)")
        parser.add_argument("--keywords", action="store_true", help="recompute keywords from the stored words")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        path: Path = options["checkpoint"] or _default_checkpoint()
        last_id = options["start_id"]
        if options["resume"] and path.exists():
            try:
                last_id = max(last_id, int(json.loads(path.read_text())["last_id"]))
            except (ValueError, KeyError, TypeError) as error:
                raise CommandError(MESSAGE_BAD_CHECKPOINT.format(path=path, error=error)) from error
            self.stdout.write(MESSAGE_RESUMED.format(last_id=last_id, path=path))
        remaining = Article.objects.filter(pk__gt=last_id).order_by("pk")
        total = remaining.count()
        if not total:
            self.stdout.write(MESSAGE_NOTHING.format(last_id=last_id))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        rebuild = total > BUILD_INDEX_ABOVE and search_index_drop()
        if rebuild:
            self.stdout.write(MESSAGE_INDEX_DROPPED.format(count=BUILD_INDEX_ABOVE))
        count = chunks = 0
        with tqdm(total=total, unit="article", disable=options["no_progress"], file=self.stderr) as progress:
            while True:
                ids = list(remaining.filter(pk__gt=last_id).values_list("pk", flat=True)[: options["chunk_size"]])
                if not ids:
                    break
                done = search_reindex_range(
                    first_id=ids[0], last_id=ids[-1], tokens=options["tokens"], keywords=options["keywords"]
                )
                last_id, count, chunks = ids[-1], count + done, chunks + 1
                path.write_text(json.dumps({"last_id": last_id}))
                progress.update(done)
        if search_index_build():  # also after a resumed run whose first part dropped it
            self.stdout.write(MESSAGE_INDEX_BUILT)
        path.unlink(missing_ok=True)  # finished: a later --resume starts from the beginning
        self.stdout.write(MESSAGE_DONE.format(count=count, chunks=chunks, last_id=last_id))
