"""The admin speaks Simplified Chinese by default and English when the browser asks for it, and our gettext
catalogue translates every message: none empty, none fuzzy, every placeholder kept."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleCreditFactory, ArticleFactory, PhotoFactory, ReporterFactory

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _unquote(parts: list[str]) -> str:
    return "".join(bytes(part[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode() for part in parts)


def catalogue_entries(path: Path = CATALOGUE) -> list[dict]:
    """The .po's entries (the header left out) as {"msgid", "msgid_plural", "msgstr": [...], "flags"}; a small
    parser, since polib is not among our dependencies."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgctxt": [], "msgid": [], "msgid_plural": [], "msgstr": {}}
        current = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                current.append(line)
            else:
                key, _, value = line.partition(" ")
                current = entry["msgstr"].setdefault(key, []) if key.startswith("msgstr") else entry[key]
                current.append(value)
        if not entry["msgid"]:
            continue
        entries.append(
            {
                "msgid": _unquote(entry["msgid"]),
                "msgid_plural": _unquote(entry["msgid_plural"]) if entry["msgid_plural"] else None,
                "msgstr": [_unquote(parts) for parts in entry["msgstr"].values()],
                "flags": entry["flags"],
            }
        )
    return [entry for entry in entries if entry["msgid"]]


def test_every_message_of_the_catalogue_is_translated_and_none_is_fuzzy():
    entries = catalogue_entries()
    assert len(entries) > 300
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])] == []
    for entry in entries:
        for translated in entry["msgstr"]:
            assert sorted(set(PLACEHOLDER.findall(translated))) == sorted(set(PLACEHOLDER.findall(entry["msgid"]))), (
                entry["msgid"]
            )


def test_the_catalogue_is_compiled_and_used():
    """scripts/bootstrap compiles the catalogue; without it the Chinese admin would be half English."""
    assert CATALOGUE.with_suffix(".mo").exists()
    with translation.override("zh-hans"):
        assert translation.gettext("Publish selected articles") == "发布所选稿件"
        assert translation.gettext("Save") == "保存"  # Django's own catalogue


@pytest.fixture
def chinese(settings):
    """The project's default: the test client sends no Accept-Language."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def article_screens(db, client, editor):
    client.force_login(editor)
    article = ArticleFactory(headline="春耕生产忙", body="第一段。\n\n第二段。")
    ArticleCreditFactory(article=article)
    PhotoFactory(page=article.page, article=article, caption="田间地头")
    return client, article


def _english_labels() -> list[str]:
    """Our English texts long enough not to occur by chance in a Chinese page's markup."""
    return [
        e["msgid"]
        for e in catalogue_entries()
        if len(e["msgid"]) >= 12 and not PLACEHOLDER.search(e["msgid"]) and re.search(r"[A-Za-z]{4}", e["msgid"])
    ]


def _visible_text(response) -> str:
    text = response.content.decode()
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_admin_is_chinese_by_default(chinese, article_screens):
    client, article = article_screens
    changelist = client.get(reverse("admin:articles_article_changelist"))
    text = changelist.content.decode()
    assert changelist.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in text
    assert "稿件" in text and "发布所选稿件" in text and "标题" in text and "报纸数字档案" in text
    assert "Publish selected articles" not in text
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "保存" in change and "引题" in change and "副题" in change and "图片说明" in change
    assert "Save and continue editing" not in change


@pytest.mark.parametrize(
    "screen",
    [
        ("admin:index", None),
        ("admin:articles_article_changelist", None),
        ("admin:articles_article_change", "article"),
        ("admin:articles_page_changelist", None),
        ("admin:articles_page_change", "page"),
        ("admin:articles_page_workbench", "page"),
        ("admin:articles_page_review", None),
        ("admin:articles_photo_changelist", None),
        ("admin:articles_photo_change", "photo"),
        ("admin:articles_reporter_changelist", None),
        ("admin:articles_reporter_change", "reporter"),
        ("admin:articles_issue_changelist", None),
        ("admin:articles_issue_change", "issue"),
        ("admin:articles_dictionaryword_changelist", None),
        ("admin:articles_dictionaryword_add", None),
        ("admin:articles_article_history", "article"),
        ("admin:articles_page_history", "page"),
        ("admin:articles_reporter_history", "reporter"),
        ("admin:articles_articlecredit_changelist", None),
        ("admin:articles_articlecredit_change", "credit"),
        ("admin:importer_importrun_changelist", None),
        ("admin:importer_importevent_changelist", None),
    ],
)
def test_no_chinese_screen_shows_our_english_labels(chinese, article_screens, screen):
    """No half-and-half screens: none of our English texts is left on the screens editors use."""
    client, article = article_screens
    name, obj = screen
    target = {
        "article": article,
        "page": article.page,
        "photo": article.photos.first(),
        "reporter": article.credits.first() and article.credits.first().reporter,
        "issue": article.issue,
        "credit": article.credits.first(),
    }.get(obj)
    response = client.get(reverse(name, args=[target.pk] if target else []))
    assert response.status_code == 200
    visible = _visible_text(response)
    assert [label for label in _english_labels() if label in visible] == []
    assert _english_field_labels(response) == []


#: Django's own texts its Chinese catalogue lacks (screen-reader captions of the navigation), and names.
NOT_OURS = {"Add link", "Change or view list link", "Model name", "SHA-256:", "SHA-256"}


def _english_field_labels(response) -> list[str]:
    """Labels and column headers (not the rows' data) with a word of Latin letters: short labels ("headline")
    a Chinese screen must not show either."""
    found = []
    markup = response.content.decode()
    for match in re.finditer(r"<label\b[^>]*>(.*?)</label>|<th\b[^>]*scope=\"col\"[^>]*>(.*?)</th>", markup, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", " ", match[1] or match[2])).strip()
        if re.search(r"[A-Za-z]{3,}", text) and text not in NOT_OURS:
            found.append(text)
    return found


def test_the_admin_is_english_when_the_browser_asks_for_it(chinese, article_screens):
    client, article = article_screens
    changelist = client.get(reverse("admin:articles_article_changelist"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = changelist.content.decode()
    assert changelist.headers["Content-Language"] == "en"
    assert "Publish selected articles" in text and "Articles" in text
    assert "发布所选稿件" not in text
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Save and continue editing" in change.content.decode()


def test_a_chinese_browser_gets_chinese_messages(chinese, article_screens):
    client, article = article_screens
    type(article).objects.filter(pk=article.pk).update(status="draft")
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
        HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9",
        follow=True,
    )
    assert "已发布 1 篇稿件。" in response.content.decode()


def test_stored_change_reasons_are_shown_in_the_editors_language():
    """History keeps the reasons as written (English data); the history page labels them."""
    from articles.templatetags.history_labels import change_reason

    with translation.override("zh-hans"):
        assert change_reason("imported state") == "导入时的状态"
        assert change_reason("reverted from history") == "从历史记录还原"
        assert change_reason("move_paragraphs") == "移动段落"  # a workbench operation's kind
        assert change_reason("role 记者 → 通讯员") == "身份 记者 → 通讯员"
        assert change_reason("merged 韦 冰 into 韦冰") == "merged 韦 冰 into 韦冰"  # not ours: shown as stored
        assert change_reason("merged 韦冰二 into 韦冰") == "韦冰二 合并到 韦冰"
    with translation.override("en"):
        assert change_reason("imported state") == "imported state"


@pytest.mark.parametrize(
    ("action", "heading"), [("merge_reporters", "将两位记者合并为同一人"), ("change_role", "更改其署名身份")]
)
def test_the_reporter_actions_ask_in_chinese(chinese, article_screens, action, heading):
    client, _article = article_screens
    first, second = ReporterFactory(name="韦冰"), ReporterFactory(name="韦兵")
    response = client.post(
        reverse("admin:articles_reporter_changelist"), {"action": action, "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert [label for label in _english_labels() if label in _visible_text(response)] == []
    assert _english_field_labels(response) == []


def test_every_change_reason_the_code_writes_has_a_label():
    """A new fixed reason in a service would show in English on a Chinese history page: label it in
    ``articles.templatetags.history_labels``."""
    from articles.templatetags.history_labels import CHANGE_REASONS

    written = set()
    # the services' reasons, and the admin's reason of a revert from history ("return "…" if match")
    pattern = re.compile(r'(?:reason=|_change_reason = |reason or |return )"([a-z][a-z ]+)"(?: if match)?')
    for path in (ROOT / "articles").rglob("*.py"):
        if "migrations" not in path.parts and "templatetags" not in path.parts:
            text = path.read_text(encoding="utf-8")
            written |= {m[1] for m in pattern.finditer(text) if not m[0].startswith("return") or m[0].endswith("match")}
    assert {"imported state", "reverted from history", "credit added"} <= written
    assert sorted(written - set(CHANGE_REASONS)) == []
