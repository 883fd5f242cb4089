"""The curated archive: Issue → Page → Article / Photo, with Reporter credits.

Every imported object remembers where it came from (character spans into ``Page.raw_text``) so that the
editors' side-by-side view, re-imports and the conservation check can work from the raw text. Articles
record editor ownership (who changed or verified them); every object an editor can change (issue, page,
article, photo, reporter) carries a version number for optimistic concurrency, and django-simple-history
keeps every change of them and of credits.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class NewestFirstIndex(models.Index):
    """An index over (date DESC NULLS LAST, id DESC): the API's order, undated rows last.

    PostgreSQL puts NULL first in a descending order unless told, so its index says NULLS LAST; SQLite sorts
    NULL lowest (last when descending) and refuses the words in an index, so there it is plain DESC."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = copy.copy(self)
        plain.expressions = tuple(
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e for e in self.expressions
        )
        return models.Index.create_sql(plain, model, schema_editor, using=using, **kwargs)


class Role(models.TextChoices):
    REPORTER = "记者", _("记者 (reporter)")
    CORRESPONDENT = "通讯员", _("通讯员 (correspondent)")
    AUTHOR = "作者", _("作者 (author)")
    PHOTOGRAPHER = "摄影", _("摄影 (photographer)")


class ArticleKind(models.TextChoices):
    NEWS = "news", _("news")
    BRIEF = "brief", _("brief")
    FEATURE = "feature", _("feature")
    COMMENTARY = "commentary", _("commentary")
    COLUMN = "column", _("column")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("draft (not public)")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn (not public)")


class ChangeSetKind(models.TextChoices):
    SPLIT = "split", _("split")
    MERGE = "merge", _("merge")
    MOVE_PARAGRAPHS = "move_paragraphs", _("move paragraphs")
    PROMOTE_LINE = "promote_line", _("promote line")
    DEMOTE_LINE = "demote_line", _("demote line")
    CREATE_FROM_TEXT = "create_from_text", _("create from text")
    UNASSIGN = "unassign", _("unassign")
    REORDER = "reorder", _("reorder")
    MOVE_PHOTO = "move_photo", _("move photo")
    REVERT = "revert", _("revert")


class ChangeSet(models.Model):
    """One workbench operation (a split, a merge, a move…): the history rows of every object it touched point
    here, so the whole operation can be shown and reverted as one. Page fields history does not keep (the
    segmentation, the unassigned text) are kept here, before and after, for the revert."""

    kind = models.CharField(_("kind"), max_length=20, choices=ChangeSetKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: {"article": [pk, …], "photo": […], "articlecredit": […], "page": […]}
    touched = models.JSONField(_("touched"), default=dict, blank=True)
    #: {page pk: {"before": {"segments": …, "unassigned": …}, "after": {…}}}
    page_states = models.JSONField(_("page states"), default=dict, blank=True)
    reverts = models.ForeignKey(
        "self", verbose_name=_("reverts"), on_delete=models.SET_NULL, null=True, blank=True, related_name="reverted_by"
    )

    class Meta:
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.description}"


class ChangeSetHistory(models.Model):
    """Base of the historical models: which change set, if any, a history row belongs to."""

    change_set = models.ForeignKey(
        ChangeSet,
        verbose_name=_("change set"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True


class Issue(models.Model):
    """One imported raw file: one issue (or section) of a paper."""

    paper = models.CharField(_("paper"), max_length=100, blank=True)  # indexed by (paper, publication_date)
    publication_date = models.DateField(_("publication date"), null=True, blank=True, db_index=True)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    source_name = models.CharField(
        _("source file"), max_length=255, help_text=_("File name the issue was imported from.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, help_text=_("SHA-256 of the raw bytes."))
    encoding = models.CharField(_("encoding"), max_length=40, default="utf-8")
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    edited_at = models.DateTimeField(
        _("edited at"),
        null=True,
        blank=True,
        help_text=_("When an editor last changed the issue's paper, date or edition."),
    )
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        # undated issues last on every database (PostgreSQL puts NULL first in a descending order)
        ordering = [F("publication_date").desc(nulls_last=True), "-id"]
        indexes = [
            models.Index(fields=["paper", "publication_date"], name="issue_paper_date"),
            # what the API's paper filter (iexact) compares; its statistics keep PostgreSQL's estimate of a
            # paper's share of issues right (without them it guessed 50 issues for 3,334, and looped over them)
            models.Index(Upper("paper"), name="issue_paper_upper"),
            NewestFirstIndex(F("publication_date").desc(nulls_last=True), F("id").desc(), name="issue_date_id"),
        ]

    def __str__(self) -> str:
        date = self.publication_date.isoformat() if self.publication_date else gettext("undated")
        paper = self.paper or gettext("unknown paper")
        return f"{paper} {date} ({self.source_name})"


class Page(models.Model):
    """A page of an issue, with its raw text kept verbatim and the import's segmentation of it."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pages", db_index=False
    )  # (issue, index)
    index = models.PositiveSmallIntegerField(_("index"), help_text=_("1-based position of the page in the file."))
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("Printed page number, e.g. A08."))
    section = models.CharField(_("section"), max_length=100, blank=True)
    printed_date = models.DateField(_("printed date"), null=True, blank=True)
    staff = models.JSONField(_("staff"), default=dict, blank=True, help_text=_("编辑/校对/组版 as printed."))
    raw_text = models.TextField(_("raw text"), help_text=_("The page's text exactly as decoded from the file."))
    first_line = models.PositiveIntegerField(
        _("first line"), default=1, help_text=_("Line of the file where the page starts.")
    )
    furniture = models.JSONField(
        _("furniture"),
        default=list,
        blank=True,
        help_text=_("Page furniture (section names, banners, date and staff lines)."),
    )
    unassigned = models.JSONField(
        _("unassigned"),
        default=list,
        blank=True,
        help_text=_("Text the segmenter could not place, for an editor to assign."),
    )
    segments = models.JSONField(
        _("segments"),
        default=list,
        blank=True,
        help_text=_("The import's segmentation: [kind, start, end, article order, photo order, owner page index]."),
    )
    edited_at = models.DateTimeField(
        _("edited at"),
        null=True,
        blank=True,
        help_text=_("When an editor last changed the page's number, section, date or staff."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # the raw text never changes; the segmentation follows the workbench's operations, and their change sets
    # keep it before and after (it is large and derived): history keeps the editable rest
    history = HistoricalRecords(
        bases=[ChangeSetHistory], excluded_fields=["raw_text", "segments", "furniture", "unassigned"]
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["issue", "index"]
        constraints = [models.UniqueConstraint(fields=["issue", "index"], name="page_unique_index")]
        indexes = [models.Index(fields=["section"], name="page_section")]

    def __str__(self) -> str:
        label = self.number or f"p{self.index}"
        return f"{label} {self.section}".strip() + f" · {self.issue}"


class Reporter(models.Model):
    """One person who writes or photographs for the paper. Names are stored without inner spaces."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Stored counters (``articles.counters`` keeps them; ``manage.py recount_archive`` recomputes them): the
    # reporter list shows them without aggregating the archive per request. "public" counts what anonymous
    # readers may see, the others what editors see.
    article_count = models.PositiveIntegerField(_("articles"), default=0, editable=False)
    public_article_count = models.PositiveIntegerField(_("public articles"), default=0, editable=False)
    photo_count = models.PositiveIntegerField(_("photos"), default=0, editable=False)
    public_photo_count = models.PositiveIntegerField(_("public photos"), default=0, editable=False)
    history = HistoricalRecords(
        bases=[ChangeSetHistory],
        excluded_fields=["article_count", "public_article_count", "photo_count", "public_photo_count"],
    )

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PublishedArticleQuerySet(models.QuerySet):
    def public(self) -> PublishedArticleQuerySet:
        """What anonymous readers may see: published, and not a second printed copy."""
        return self.filter(status=ArticleStatus.PUBLISHED, duplicate_of__isnull=True)


class Article(models.Model):
    # no index of their own: the (issue, status) and (page, order) indexes lead with them
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="articles", db_index=False
    )
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="articles", db_index=False
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("Position on the page, from 0."))
    headline = models.CharField(_("headline"), max_length=500, blank=True)
    kicker = models.CharField(_("kicker"), max_length=500, blank=True, help_text=_("引题 printed above the headline."))
    subheadline = models.CharField(
        _("subheadline"), max_length=500, blank=True, help_text=_("副题 printed below the headline.")
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Paragraphs separated by a blank line."))
    kind = models.CharField(_("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.PUBLISHED
    )
    # the issue's date, kept here so that the default order and the date filters are served by an index of
    # this table alone (every writer of articles and of an issue's date keeps it equal to the issue's)
    publication_date = models.DateField(_("publication date"), null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    reporters = models.ManyToManyField(
        Reporter, verbose_name=_("reporters"), through="ArticleCredit", related_name="articles", blank=True
    )

    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=40,
        help_text=_("SHA-1 of the normalised body: matches articles across re-imports."),
    )
    source_spans = models.JSONField(
        _("source spans"),
        default=list,
        blank=True,
        help_text=_("[kind, start, end] spans of the page's raw text this article came from."),
    )
    search_document = models.TextField(
        _("search document"),
        blank=True,
        help_text=_("Normalised headline, kicker, subheadline, body, captions and reporter names."),
    )
    search_tokens = models.TextField(
        _("search tokens"),
        blank=True,
        help_text=_("jieba words of headline and body, space-separated: whole-word ranking and keywords."),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("jieba.analyse keywords of the article, space-separated, the most telling first."),
    )

    # Editor ownership: a re-import never re-segments an article an editor has touched or verified.
    version = models.PositiveIntegerField(_("version"), default=1)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        bases=[ChangeSetHistory],
        excluded_fields=["search_document", "search_tokens", "keywords", "updated_at", "publication_date"],
    )
    objects = PublishedArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["issue", "page__index", "order"]
        indexes = [
            models.Index(fields=["page", "order"], name="article_page_order"),
            models.Index(fields=["issue", "status"], name="article_issue_status"),
            models.Index(fields=["status", "-id"], name="article_public", condition=Q(duplicate_of__isnull=True)),
            # the API's order (newest first, undated last): public readers', and editors' over every article
            NewestFirstIndex(
                F("publication_date").desc(nulls_last=True),
                F("id").desc(),
                name="article_public_date",
                condition=Q(status=ArticleStatus.PUBLISHED, duplicate_of__isnull=True),
            ),
            NewestFirstIndex(F("publication_date").desc(nulls_last=True), F("id").desc(), name="article_date_id"),
            # plain indexes, not db_index: PostgreSQL would add a second, LIKE-prefix index to each, which
            # nothing queries and every imported row pays for
            models.Index(fields=["status"], name="article_status"),
            models.Index(fields=["kind"], name="article_kind"),
            models.Index(fields=["fingerprint"], name="article_fingerprint"),
        ]

    def __str__(self) -> str:
        return (
            self.headline
            or (self.body[:30] + "…" if len(self.body) > 30 else self.body)
            or gettext("article %(id)s") % {"id": self.pk}
        )

    @property
    def is_touched(self) -> bool:
        """Has an editor changed or verified it? Then imports leave it alone."""
        return self.edited_at is not None or self.verified_at is not None


class ArticleCredit(models.Model):
    """A reporter credited on an article, in a role, in printed order."""

    # no index of their own: the unique (article, reporter, role) and the (reporter, role) index lead with them
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="credits", db_index=False
    )
    reporter = models.ForeignKey(
        Reporter, verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="credits", db_index=False
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        ordering = ["article", "order"]
        constraints = [
            models.UniqueConstraint(fields=["article", "reporter", "role"], name="credit_unique_role"),
        ]
        indexes = [models.Index(fields=["reporter", "role"], name="credit_reporter_role")]

    def __str__(self) -> str:
        return f"{self.role} {self.reporter}"


class Photo(models.Model):
    """A photo on a page, known by its caption; linked to the article it illustrates when that is clear."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="photos")
    page = models.ForeignKey(Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="photos")
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    caption = models.TextField(_("caption"), blank=True)
    photographer = models.ForeignKey(
        Reporter,
        verbose_name=_("photographer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
    )
    source_spans = models.JSONField(_("source spans"), default=list, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return self.caption[:40] or gettext("photo %(id)s") % {"id": self.pk}


class DictionaryWord(models.Model):
    """A word jieba must keep whole (a local name it would cut apart), kept by editors.

    Every process that tokenises applies the whole list (see ``articles.dictionary``); saving a word
    re-tokenises the articles whose search text contains it, and records which ones changed.
    """

    word = models.CharField(
        _("word"), max_length=50, unique=True, help_text=_("Kept whole by jieba; white space is dropped.")
    )
    frequency = models.PositiveIntegerField(
        _("frequency"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],  # 0 would tell jieba to split the word, the opposite of keeping it
        help_text=_("jieba's word frequency; empty lets jieba pick one that keeps it whole."),
    )
    part_of_speech = models.CharField(
        _("part of speech"), max_length=10, blank=True, help_text=_("jieba's POS tag, e.g. ns for a place.")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    retokenised_count = models.PositiveIntegerField(
        _("re-tokenised articles"), default=0, help_text=_("How many articles the last save of this word re-tokenised.")
    )
    retokenised_articles = models.JSONField(
        _("re-tokenised article list"),
        default=list,
        blank=True,
        help_text=_("[id, headline] of the articles the last save re-tokenised (the first 100)."),
    )
    history = HistoricalRecords(bases=[ChangeSetHistory], excluded_fields=["retokenised_count", "retokenised_articles"])

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ReporterAlias(models.Model):
    """Another spelling of a reporter's name, kept when two rows were merged as one person: imports and
    ``reporter_get_or_create`` map it to the reporter instead of creating the merged row again."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    reporter = models.ForeignKey(Reporter, verbose_name=_("reporter"), on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(bases=[ChangeSetHistory])

    class Meta:
        verbose_name = _("reporter alias")
        verbose_name_plural = _("reporter aliases")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.reporter_id}"


class ReporterMerge(models.Model):
    """One merge of two reporter rows that are the same person, with exactly what moved, so that its revert
    restores the other row under its id, its credits (the moved ones and the collapsed ones) and its photos."""

    # no constraint: the kept row may be merged into a third one later; a revert then refuses by checking it
    kept = models.ForeignKey(
        Reporter,
        verbose_name=_("kept"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="merges_kept",
        db_index=True,
    )
    other_pk = models.PositiveIntegerField(
        _("other row's id"), help_text=_("Id of the merged row, restored by a revert.")
    )
    other_name = models.CharField(_("other name"), max_length=50)
    other_created_at = models.DateTimeField(_("other row created at"))
    other_version = models.PositiveIntegerField(_("other row's version"), default=1)
    moved_credits = models.JSONField(
        _("moved credits"), default=list, help_text=_("Ids of the other row's credits now the kept one's.")
    )
    collapsed_credits = models.JSONField(
        _("collapsed credits"),
        default=list,
        help_text=_("[id, article id, role, order] of the other row's credits dropped as duplicates."),
    )
    moved_photos = models.JSONField(
        _("moved photos"), default=list, help_text=_("Ids of photos whose photographer became the kept one.")
    )
    moved_aliases = models.JSONField(
        _("moved aliases"), default=list, help_text=_("Ids of the other row's aliases now the kept one's.")
    )
    alias = models.ForeignKey(
        ReporterAlias, verbose_name=_("alias"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reverted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporter merge")
        verbose_name_plural = _("reporter merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.other_name} → {self.kept_id}"
