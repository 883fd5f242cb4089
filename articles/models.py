"""The curated archive: Issue → Page → Article / Photo, with Reporter credits.

Every imported object remembers where it came from (character spans into ``Page.raw_text``) so that the
editors' side-by-side view, re-imports and the conservation check can work from the raw text. Articles
record editor ownership (who changed or verified them); every object an editor can change (issue, page,
article, photo, reporter) carries a version number for optimistic concurrency, and django-simple-history
keeps every change of them and of credits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    REPORTER = "记者", "记者 (reporter)"
    CORRESPONDENT = "通讯员", "通讯员 (correspondent)"
    AUTHOR = "作者", "作者 (author)"
    PHOTOGRAPHER = "摄影", "摄影 (photographer)"


class ArticleKind(models.TextChoices):
    NEWS = "news", "news"
    BRIEF = "brief", "brief"
    FEATURE = "feature", "feature"
    COMMENTARY = "commentary", "commentary"
    COLUMN = "column", "column"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "draft (not public)"
    PUBLISHED = "published", "published"
    WITHDRAWN = "withdrawn", "withdrawn (not public)"


class ChangeSetKind(models.TextChoices):
    SPLIT = "split", "split"
    MERGE = "merge", "merge"
    MOVE_PARAGRAPHS = "move_paragraphs", "move paragraphs"
    PROMOTE_LINE = "promote_line", "promote line"
    DEMOTE_LINE = "demote_line", "demote line"
    CREATE_FROM_TEXT = "create_from_text", "create from text"
    UNASSIGN = "unassign", "unassign"
    REORDER = "reorder", "reorder"
    MOVE_PHOTO = "move_photo", "move photo"
    REVERT = "revert", "revert"


class ChangeSet(models.Model):
    """One workbench operation (a split, a merge, a move…): the history rows of every object it touched point
    here, so the whole operation can be shown and reverted as one. Page fields history does not keep (the
    segmentation, the unassigned text) are kept here, before and after, for the revert."""

    kind = models.CharField(max_length=20, choices=ChangeSetKind.choices)
    description = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: {"article": [pk, …], "photo": […], "articlecredit": […], "page": […]}
    touched = models.JSONField(default=dict, blank=True)
    #: {page pk: {"before": {"segments": …, "unassigned": …}, "after": {…}}}
    page_states = models.JSONField(default=dict, blank=True)
    reverts = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reverted_by")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.description}"


class ChangeSetHistory(models.Model):
    """Base of the historical models: which change set, if any, a history row belongs to."""

    change_set = models.ForeignKey(
        ChangeSet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )

    class Meta:
        abstract = True


class Issue(models.Model):
    """One imported raw file: one issue (or section) of a paper."""

    paper = models.CharField(max_length=100, blank=True)  # indexed by (paper, publication_date)
    publication_date = models.DateField(null=True, blank=True, db_index=True)
    edition = models.CharField(max_length=100, blank=True)
    source_name = models.CharField(max_length=255, help_text="File name the issue was imported from.")
    sha256 = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the raw bytes.")
    encoding = models.CharField(max_length=40, default="utf-8")
    size_bytes = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor last changed the issue's paper, date or edition."
    )
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        ordering = ["-publication_date", "-id"]
        indexes = [models.Index(fields=["paper", "publication_date"], name="issue_paper_date")]

    def __str__(self) -> str:
        date = self.publication_date.isoformat() if self.publication_date else "undated"
        return f"{self.paper or 'unknown paper'} {date} ({self.source_name})"


class Page(models.Model):
    """A page of an issue, with its raw text kept verbatim and the import's segmentation of it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pages", db_index=False)  # (issue, index)
    index = models.PositiveSmallIntegerField(help_text="1-based position of the page in the file.")
    number = models.CharField(max_length=20, blank=True, help_text="Printed page number, e.g. A08.")
    section = models.CharField(max_length=100, blank=True)
    printed_date = models.DateField(null=True, blank=True)
    staff = models.JSONField(default=dict, blank=True, help_text="编辑/校对/组版 as printed.")
    raw_text = models.TextField(help_text="The page's text exactly as decoded from the file.")
    first_line = models.PositiveIntegerField(default=1, help_text="Line of the file where the page starts.")
    furniture = models.JSONField(
        default=list, blank=True, help_text="Page furniture (section names, banners, date and staff lines)."
    )
    unassigned = models.JSONField(
        default=list, blank=True, help_text="Text the segmenter could not place, for an editor to assign."
    )
    segments = models.JSONField(
        default=list,
        blank=True,
        help_text="The import's segmentation: [kind, start, end, article order, photo order, owner page index].",
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor last changed the page's number, section, date or staff."
    )
    version = models.PositiveIntegerField(default=1)
    # the raw text never changes; the segmentation follows the workbench's operations, and their change sets
    # keep it before and after (it is large and derived): history keeps the editable rest
    history = HistoricalRecords(
        bases=[ChangeSetHistory], excluded_fields=["raw_text", "segments", "furniture", "unassigned"]
    )

    class Meta:
        ordering = ["issue", "index"]
        constraints = [models.UniqueConstraint(fields=["issue", "index"], name="page_unique_index")]
        indexes = [models.Index(fields=["section"], name="page_section")]

    def __str__(self) -> str:
        label = self.number or f"p{self.index}"
        return f"{label} {self.section}".strip() + f" · {self.issue}"


class Reporter(models.Model):
    """One person who writes or photographs for the paper. Names are stored without inner spaces."""

    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PublishedArticleQuerySet(models.QuerySet):
    def public(self) -> PublishedArticleQuerySet:
        """What anonymous readers may see: published, and not a second printed copy."""
        return self.filter(status=ArticleStatus.PUBLISHED, duplicate_of__isnull=True)


class Article(models.Model):
    # no index of their own: the (issue, status) and (page, order) indexes lead with them
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="articles", db_index=False)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="articles", db_index=False)
    order = models.PositiveSmallIntegerField(help_text="Position on the page, from 0.")
    headline = models.CharField(max_length=500, blank=True)
    kicker = models.CharField(max_length=500, blank=True, help_text="引题 printed above the headline.")
    subheadline = models.CharField(max_length=500, blank=True, help_text="副题 printed below the headline.")
    body = models.TextField(blank=True, help_text="Paragraphs separated by a blank line.")
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    status = models.CharField(max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.PUBLISHED)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    reporters = models.ManyToManyField(Reporter, through="ArticleCredit", related_name="articles", blank=True)

    fingerprint = models.CharField(
        max_length=40, help_text="SHA-1 of the normalised body: matches articles across re-imports."
    )
    source_spans = models.JSONField(
        default=list, blank=True, help_text="[kind, start, end] spans of the page's raw text this article came from."
    )
    search_document = models.TextField(
        blank=True, help_text="Normalised headline, kicker, subheadline, body, captions and reporter names."
    )
    search_tokens = models.TextField(
        blank=True, help_text="jieba words of headline and body, space-separated: whole-word ranking and keywords."
    )

    # Editor ownership: a re-import never re-segments an article an editor has touched or verified.
    version = models.PositiveIntegerField(default=1)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        bases=[ChangeSetHistory], excluded_fields=["search_document", "search_tokens", "updated_at"]
    )
    objects = PublishedArticleQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "page__index", "order"]
        indexes = [
            models.Index(fields=["page", "order"], name="article_page_order"),
            models.Index(fields=["issue", "status"], name="article_issue_status"),
            models.Index(fields=["status", "-id"], name="article_public", condition=Q(duplicate_of__isnull=True)),
            # plain indexes, not db_index: PostgreSQL would add a second, LIKE-prefix index to each, which
            # nothing queries and every imported row pays for
            models.Index(fields=["status"], name="article_status"),
            models.Index(fields=["kind"], name="article_kind"),
            models.Index(fields=["fingerprint"], name="article_fingerprint"),
        ]

    def __str__(self) -> str:
        return self.headline or (self.body[:30] + "…" if len(self.body) > 30 else self.body) or f"article {self.pk}"

    @property
    def is_touched(self) -> bool:
        """Has an editor changed or verified it? Then imports leave it alone."""
        return self.edited_at is not None or self.verified_at is not None


class ArticleCredit(models.Model):
    """A reporter credited on an article, in a role, in printed order."""

    # no index of their own: the unique (article, reporter, role) and the (reporter, role) index lead with them
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits", db_index=False)
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="credits", db_index=False)
    role = models.CharField(max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        ordering = ["article", "order"]
        constraints = [
            models.UniqueConstraint(fields=["article", "reporter", "role"], name="credit_unique_role"),
        ]
        indexes = [models.Index(fields=["reporter", "role"], name="credit_reporter_role")]

    def __str__(self) -> str:
        return f"{self.role} {self.reporter}"


class Photo(models.Model):
    """A photo on a page, known by its caption; linked to the article it illustrates when that is clear."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="photos")
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos")
    order = models.PositiveSmallIntegerField(default=0)
    caption = models.TextField(blank=True)
    photographer = models.ForeignKey(Reporter, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos")
    source_spans = models.JSONField(default=list, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return self.caption[:40] or f"photo {self.pk}"


class DictionaryWord(models.Model):
    """A word jieba must keep whole (a local name it would cut apart), kept by editors.

    Every process that tokenises applies the whole list (see ``articles.dictionary``); saving a word
    re-tokenises the articles whose search text contains it, and records which ones changed.
    """

    word = models.CharField(max_length=50, unique=True, help_text="Kept whole by jieba; white space is dropped.")
    frequency = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],  # 0 would tell jieba to split the word, the opposite of keeping it
        help_text="jieba's word frequency; empty lets jieba pick one that keeps it whole.",
    )
    part_of_speech = models.CharField(max_length=10, blank=True, help_text="jieba's POS tag, e.g. ns for a place.")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    retokenised_count = models.PositiveIntegerField(
        default=0, help_text="How many articles the last save of this word re-tokenised."
    )
    retokenised_articles = models.JSONField(
        default=list, blank=True, help_text="[id, headline] of the articles the last save re-tokenised (the first 100)."
    )
    history = HistoricalRecords(bases=[ChangeSetHistory], excluded_fields=["retokenised_count", "retokenised_articles"])

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ReporterAlias(models.Model):
    """Another spelling of a reporter's name, kept when two rows were merged as one person: imports and
    ``reporter_get_or_create`` map it to the reporter instead of creating the merged row again."""

    name = models.CharField(max_length=50, unique=True)
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "reporter aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.reporter_id}"


class ReporterMerge(models.Model):
    """One merge of two reporter rows that are the same person, with exactly what moved, so that its revert
    restores the other row under its id, its credits (the moved ones and the collapsed ones) and its photos."""

    # no constraint: the kept row may be merged into a third one later; a revert then refuses by checking it
    kept = models.ForeignKey(
        Reporter, on_delete=models.DO_NOTHING, db_constraint=False, related_name="merges_kept", db_index=True
    )
    other_pk = models.PositiveIntegerField(help_text="Id of the merged row, restored by a revert.")
    other_name = models.CharField(max_length=50)
    other_created_at = models.DateTimeField()
    other_version = models.PositiveIntegerField(default=1)
    moved_credits = models.JSONField(default=list, help_text="Ids of the other row's credits now the kept one's.")
    collapsed_credits = models.JSONField(
        default=list, help_text="[id, article id, role, order] of the other row's credits dropped as duplicates."
    )
    moved_photos = models.JSONField(default=list, help_text="Ids of photos whose photographer became the kept one.")
    moved_aliases = models.JSONField(default=list, help_text="Ids of the other row's aliases now the kept one's.")
    alias = models.ForeignKey(ReporterAlias, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.other_name} → {self.kept_id}"
