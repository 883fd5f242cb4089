"""Forced re-imports (``import_issue --force``) after editors' work, on the real seeds.

A forced re-import reads the same file again; it matters when the segmenter changed. The tests pretend it
did by changing the drafts the batch parses (``resegment``), and derive every expectation from the
database and the drafts rather than from counts of a seed, so they hold while the segmenter improves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command

from articles import services as article_services
from articles.models import Article, ArticleCredit, ArticleStatus, Issue, Photo
from importer.models import EventResult, ImportEvent
from importer.parsing import IssueDraft, SegmentKind, text_fingerprint
from tests.conftest import SEEDS, SEEDS_DIR

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_issue", *args, stdout=out, stderr=StringIO(), no_progress=True)
    return out.getvalue()


def rows(model, **lookup) -> dict[int, dict]:
    """Every stored column of the rows, by id: what "byte for byte" compares."""
    fields = [f.attname for f in model._meta.concrete_fields]
    return {row["id"]: row for row in model.objects.filter(**lookup).values(*fields)}


def article_state(article: Article) -> dict:
    """An article's row with its credits and photos, as stored."""
    return {
        "row": rows(Article, pk=article.pk),
        "credits": rows(ArticleCredit, article=article),
        "photos": rows(Photo, article=article),
    }


def resegment(monkeypatch, change: Callable[[IssueDraft], None]) -> None:
    """Pretend the segmenter changed: every draft the batch parses goes through ``change`` before it is
    written."""
    from importer.services import batches

    real = batches.parse_sources

    def parse_sources(*args, **kwargs):
        for outcome in real(*args, **kwargs):
            if getattr(outcome, "draft", None) is not None:
                change(outcome.draft)
            yield outcome

    monkeypatch.setattr(batches, "parse_sources", parse_sources)


def cut_body(body: str) -> str:
    """A re-segmented body: the new segmenter ends the article earlier (a different text, same place)."""
    return body[: max(1, len(body) // 2)]


def rewrite(draft: IssueDraft, fingerprints: set[str]) -> dict[str, str]:
    """Re-segment the draft's articles with these fingerprints (their first occurrence each); returns old
    fingerprint -> new fingerprint."""
    changed = {}
    for article in draft.articles:
        if article.fingerprint in fingerprints and article.fingerprint not in changed:
            old = article.fingerprint
            article.body = cut_body(article.body)
            article.__dict__.pop("fingerprint", None)  # a cached property of the old body
            changed[old] = article.fingerprint
    return changed


def singles(issue: Issue) -> list[Article]:
    """Untouched first copies of an issue whose text occurs once in it, in reading order."""
    articles = list(Article.objects.filter(issue=issue, duplicate_of=None, duplicates=None).exclude(body=""))
    counts: dict[str, int] = {}
    for article in Article.objects.filter(issue=issue):
        counts[article.fingerprint] = counts.get(article.fingerprint, 0) + 1
    return [a for a in articles if counts[a.fingerprint] == 1 and len(a.body) > 4]


def test_a_forced_reimport_without_a_segmenter_change_rewrites_nothing():
    """Every article, credit and photo keeps its id and its stored row (``updated_at`` included): old API
    links keep working and nothing was written again."""
    run(str(SEEDS_DIR))
    before = {model: rows(model) for model in (Article, ArticleCredit, Photo)}
    out = run(str(SEEDS_DIR), "--force")
    assert f"{len(SEEDS)} re-imported" in out
    assert before[Article] and before[Photo] and before[ArticleCredit]
    for model, stored in before.items():
        assert rows(model) == stored, model.__name__


def test_an_untouched_article_keeps_its_id_when_only_its_place_changes(monkeypatch):
    """Same text, new spans and order (the segmenter moved a headline): rewritten in place, same id."""
    run(str(SEEDS[0]))
    article = singles(Issue.objects.get())[0]

    def retitle(draft: IssueDraft) -> None:
        for page in draft.pages:
            for candidate in page.articles:
                if candidate.fingerprint == article.fingerprint:
                    candidate.headline = "新分段给的标题"

    resegment(monkeypatch, retitle)
    run(str(SEEDS[0]), "--force")
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "新分段给的标题" and stored.body == article.body


def test_a_duplicate_mark_survives_a_forced_reimport(editor):
    """An editor marks one first copy a duplicate of another: after the re-import it is still that copy,
    hidden from the public, and no new published first copy of its text appears."""
    run(str(SEEDS[3]))
    original, copy = singles(Issue.objects.get())[:2]
    article_services.article_mark_duplicate(article=copy, original=original, user=editor)
    public = sorted(Article.objects.public().values_list("pk", flat=True))
    count = Article.objects.count()

    run(str(SEEDS[3]), "--force")
    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    assert sorted(Article.objects.public().values_list("pk", flat=True)) == public
    assert Article.objects.count() == count
    assert not Article.objects.public().filter(fingerprint=copy.fingerprint).exists()


def test_both_printings_an_editor_marked_duplicates_of_another_article_stay_copies(editor):
    """Seed 002 prints an article twice; an editor marks both printings duplicates of another article:
    after the re-import neither printing is public again."""
    run(str(SEEDS[2]))
    printed = Article.objects.exclude(duplicate_of=None).order_by("pk").first()
    first = printed.duplicate_of
    other = Article.objects.filter(duplicate_of=None, duplicates=None).exclude(pk=first.pk).order_by("pk").first()
    article_services.article_mark_duplicate(article=printed, original=other, user=editor)
    article_services.article_mark_duplicate(article=first, original=other, user=editor)
    public = sorted(Article.objects.public().values_list("pk", flat=True))

    run(str(SEEDS[2]), "--force")
    assert sorted(Article.objects.public().values_list("pk", flat=True)) == public
    assert not Article.objects.public().filter(fingerprint=first.fingerprint).exists()


def test_editing_a_caption_keeps_the_photo_on_its_article(editor):
    run(str(SEEDS[0]))
    photo = Photo.objects.exclude(article=None).order_by("pk").first()
    article_services.photo_update(photo=photo, user=editor, data={"caption": "编辑改过的图说"})
    run(str(SEEDS[0]), "--force")
    stored = Photo.objects.get(pk=photo.pk)
    assert (stored.caption, stored.article_id) == ("编辑改过的图说", photo.article_id)
    assert Article.objects.filter(pk=photo.article_id).exists()


def test_an_edited_photo_follows_its_article_when_that_is_resegmented(editor, monkeypatch):
    run(str(SEEDS[0]))
    photo = Photo.objects.exclude(article=None).order_by("pk").first()
    old_article = photo.article
    article_services.photo_update(photo=photo, user=editor, data={"caption": "编辑改过的图说"})
    changed: dict[str, str] = {}
    resegment(monkeypatch, lambda draft: changed.update(rewrite(draft, {old_article.fingerprint})))
    run(str(SEEDS[0]), "--force")
    assert not Article.objects.filter(pk=old_article.pk).exists(), "its article was re-segmented"
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.article is not None and stored.article.fingerprint == changed[old_article.fingerprint]
    assert stored.caption == "编辑改过的图说"


def move_caption(draft: IssueDraft, photo: Photo) -> None:
    """The new segmenter starts the photo's caption one character later."""
    page = next(p for p in draft.pages if p.index == photo.page.index)
    page.segments = [
        replace(s, start=s.start + 1) if s.photo == photo.order and s.kind in SegmentKind.PHOTO_KINDS else s
        for s in page.segments
    ]


def drop_photo(draft: IssueDraft, photo: Photo) -> None:
    """The new segmenter no longer finds the photo (the page's last one): its caption is unassigned."""
    page = next(p for p in draft.pages if p.index == photo.page.index)
    assert photo.order == len(page.photos) - 1
    page.photos.pop()
    page.segments = [replace(s, photo=None, kind="unassigned") if s.photo == photo.order else s for s in page.segments]


def test_a_photo_whose_caption_moved_keeps_its_id(monkeypatch):
    run(str(SEEDS[0]))
    photo = Photo.objects.order_by("pk").first()
    count = Photo.objects.count()
    resegment(monkeypatch, lambda draft: move_caption(draft, photo))
    run(str(SEEDS[0]), "--force")
    stored = Photo.objects.get(pk=photo.pk)
    assert min(span[1] for span in stored.source_spans) == min(span[1] for span in photo.source_spans) + 1
    assert Photo.objects.count() == count


def test_an_edited_photo_whose_caption_moved_follows_its_resegmented_article(editor, monkeypatch):
    run(str(SEEDS[0]))
    photo = Photo.objects.exclude(article=None).order_by("pk").first()
    old_article = photo.article
    article_services.photo_update(photo=photo, user=editor, data={"caption": "编辑改过的图说"})
    count = Photo.objects.count()
    changed: dict[str, str] = {}

    def change(draft: IssueDraft) -> None:
        move_caption(draft, photo)
        changed.update(rewrite(draft, {old_article.fingerprint}))

    resegment(monkeypatch, change)
    run(str(SEEDS[0]), "--force")
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.article.fingerprint == changed[old_article.fingerprint]
    assert (stored.caption, stored.source_spans) == ("编辑改过的图说", photo.source_spans)
    assert Photo.objects.count() == count, "the draft's copy of the editor's photo is not written again"


def test_an_edited_photo_the_new_segmenter_misses_goes_with_the_text_of_its_article(editor, monkeypatch):
    run(str(SEEDS[0]))
    photo = next(p for p in Photo.objects.exclude(article=None).order_by("pk") if p.order == p.page.photos.count() - 1)
    old_article = photo.article
    article_services.photo_update(photo=photo, user=editor, data={"caption": "编辑改过的图说"})
    changed: dict[str, str] = {}

    def change(draft: IssueDraft) -> None:
        drop_photo(draft, photo)
        changed.update(rewrite(draft, {old_article.fingerprint}))

    resegment(monkeypatch, change)
    run(str(SEEDS[0]), "--force")
    stored = Photo.objects.get(pk=photo.pk)
    assert stored.article is not None and stored.article.fingerprint == changed[old_article.fingerprint]


def test_a_resegmentation_conflict_is_reported_and_publishes_no_second_copy(editor, monkeypatch):
    """The new segmentation no longer holds an edited article: the editor's version stays the only public
    one; the new article over the same text is saved as a draft, and both are reported."""
    run(str(SEEDS[2]))
    edited = singles(Issue.objects.get())[0]
    article_services.article_update(article=edited, user=editor, data={"headline": "编辑改过的标题"})
    state = article_state(edited)
    changed: dict[str, str] = {}
    resegment(monkeypatch, lambda draft: changed.update(rewrite(draft, {edited.fingerprint})))

    out = run(str(SEEDS[2]), "--force")
    assert article_state(edited) == state
    new = Article.objects.get(fingerprint=changed[edited.fingerprint])
    assert new.status == ArticleStatus.DRAFT and not Article.objects.public().filter(pk=new.pk).exists()
    assert f"conflict: article {edited.pk} " in out
    assert re.search(rf"conflict: new article {new.pk} .*overlaps article {edited.pk}\b.*draft", out)


def test_a_copy_keeps_its_first_copy_when_that_is_resegmented(editor, monkeypatch):
    """A first copy an editor's copy points at is not deleted under it (the copy would turn public): it
    stays as it was, the new article over its text is a draft, and it is reported."""
    run(str(SEEDS[3]))
    original, copy = singles(Issue.objects.get())[:2]
    article_services.article_mark_duplicate(article=copy, original=original, user=editor)
    first_state = article_state(original)
    changed: dict[str, str] = {}
    resegment(monkeypatch, lambda draft: changed.update(rewrite(draft, {original.fingerprint})))

    out = run(str(SEEDS[3]), "--force")
    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    assert rows(Article, pk=original.pk) == first_state["row"]
    assert f"conflict: article {original.pk} " in out
    new = Article.objects.get(fingerprint=changed[original.fingerprint])
    assert new.status == ArticleStatus.DRAFT


def test_a_copy_in_another_issue_keeps_its_first_copy_when_that_is_resegmented(editor, monkeypatch):
    """An editor marks an article of one issue as a reprint of another issue's article: re-importing the
    first issue does not delete the article the copy points at (the copy would turn public)."""
    run(str(SEEDS[3]), str(SEEDS[4]))
    first_issue, other_issue = Issue.objects.order_by("pk")
    original = singles(first_issue)[0]
    copy = singles(other_issue)[0]
    article_services.article_mark_duplicate(article=copy, original=original, user=editor)
    resegment(monkeypatch, lambda draft: rewrite(draft, {original.fingerprint}))

    out = run(str(SEEDS[3]), str(SEEDS[4]), "--force")
    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    assert f"conflict: article {original.pk} " in out


def test_changed_credits_of_an_untouched_article_are_rewritten_in_place(monkeypatch):
    run(str(SEEDS[0]))
    article = Article.objects.filter(credits__isnull=False).order_by("pk").first()

    def recredit(draft: IssueDraft) -> None:
        for candidate in draft.articles:
            if candidate.fingerprint == article.fingerprint:
                candidate.reporters = candidate.reporters[:1]
                candidate.reporters[0] = type(candidate.reporters[0])(name="新记者", role="记者")

    resegment(monkeypatch, recredit)
    run(str(SEEDS[0]), "--force")
    stored = Article.objects.get(pk=article.pk)
    assert [(c.reporter.name, c.role) for c in stored.credits.all()] == [("新记者", "记者")]


def test_forced_reimport_after_edits_on_the_seeds(editor, monkeypatch):
    """The workbench issue's promise: after editors' work and a re-segmentation, a forced re-import leaves
    edited and verified articles byte for byte identical, editors' duplicates still duplicates, untouched
    unchanged articles with their ids, changed ones re-segmented, and conflicts reported."""
    run(str(SEEDS_DIR))
    edited, verified, copies, changed, conflicting = [], [], [], [], []
    for issue in Issue.objects.order_by("pk"):
        pick = singles(issue)
        if len(pick) < 6:
            continue
        article_services.article_update(
            article=pick[0], user=editor, data={"headline": "编辑改过的标题", "body": pick[0].body + "（编辑补充）"}
        )
        article_services.article_verify(articles=[pick[1]], user=editor)
        article_services.article_mark_duplicate(article=pick[3], original=pick[2], user=editor)
        article_services.article_update(article=pick[5], user=editor, data={"kicker": "编辑加的引题"})
        edited.append(pick[0])
        verified.append(pick[1])
        copies.append((pick[3], pick[2]))
        changed.append(pick[4])  # untouched: the new segmenter changes its text
        conflicting.append(pick[5])  # edited, and the new segmenter changes its text
    assert len(edited) >= 2, "the seeds give at least two issues to work on"
    owned_state = {a.pk: article_state(a) for a in edited + verified + conflicting}
    untouched = {
        a.pk: a.fingerprint
        for a in Article.objects.filter(edited_at=None, verified_at=None).exclude(pk__in=[a.pk for a in changed])
    }
    public_before = set(Article.objects.public().values_list("pk", flat=True))
    new_fingerprints: dict[str, str] = {}
    resegment(
        monkeypatch,
        lambda draft: new_fingerprints.update(rewrite(draft, {a.fingerprint for a in changed + conflicting})),
    )

    out = run(str(SEEDS_DIR), "--force")

    assert f"{len(SEEDS)} re-imported" in out
    # edited and verified articles: byte for byte identical, credits and photos too
    for article in edited + verified + conflicting:
        assert article_state(article) == owned_state[article.pk], article.pk
    # editors' duplicates are still duplicates of the same first copy, and not public
    for copy, original in copies:
        copy.refresh_from_db()
        assert copy.duplicate_of_id == original.pk
        assert not Article.objects.public().filter(fingerprint=copy.fingerprint).exists()
    # untouched unchanged articles keep their ids
    assert dict(Article.objects.filter(pk__in=untouched).values_list("pk", "fingerprint")) == untouched
    # changed ones are re-segmented: the old row is gone, the new text is published in its place
    for article in changed:
        assert not Article.objects.filter(pk=article.pk).exists()
        new = Article.objects.get(issue=article.issue, fingerprint=new_fingerprints[article.fingerprint])
        assert new.status == ArticleStatus.PUBLISHED and new.page_id == article.page_id
        assert new.fingerprint == text_fingerprint(cut_body(article.body))
    # conflicts are reported, and the new text over an editor's article is not published
    for article in conflicting:
        assert f"conflict: article {article.pk} " in out
        new = Article.objects.get(issue=article.issue, fingerprint=new_fingerprints[article.fingerprint])
        assert new.status == ArticleStatus.DRAFT
        assert re.search(rf"conflict: new article {new.pk} .*overlaps article {article.pk}\b", out)
    # and kept in the import log, for the editors' desk
    logged = " ".join(ImportEvent.objects.filter(result=EventResult.REIMPORTED).values_list("message", flat=True))
    assert all(f"article {a.pk} " in logged for a in conflicting)
    # what was public still is, except the re-segmented articles (replaced by their new versions)
    public_after = set(Article.objects.public().values_list("pk", flat=True))
    assert public_before - public_after == {a.pk for a in changed}
    assert len(public_after - public_before) == len(changed)


def test_an_issue_an_editor_corrected_keeps_its_paper_date_and_edition(editor):
    """Editors may give an issue its paper, date and edition (``issue_update``); a forced re-import reads
    them from the file again, but keeps the editor's, as it keeps corrected pages."""
    seed = SEEDS[3]  # its text names the paper and the date
    run(str(seed))
    issue = Issue.objects.get()
    assert issue.paper and issue.publication_date  # a re-import reads them again
    corrected = {"paper": "编辑改的报名", "publication_date": dt.date(1999, 9, 9), "edition": "编辑改的版次"}
    article_services.issue_update(issue=issue, user=editor, data=corrected)
    run(str(seed), "--force")
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.paper, stored.publication_date, stored.edition) == tuple(corrected.values())
    assert stored.version == 2  # the editor's save; the re-import changed nothing of it
