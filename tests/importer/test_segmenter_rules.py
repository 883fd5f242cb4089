"""Focused rules of the segmenter, on small made-up texts (no seed's people, places or headlines)."""

from __future__ import annotations

import datetime as dt

import pytest

from importer.parsing import parse_issue, segmenter
from importer.parsing.credits import parse_roles, photographer_of, split_names, trailing_names
from importer.parsing.drafts import Credit, SegmentKind
from importer.parsing.pages import PageInfo, read_header, split_pages
from importer.parsing.textfix import clean_headline, close_spaces, join_lines, undoubled_text
from tests.importer.segment_checks import assert_conserved


def parse(text: str):
    draft = parse_issue(text, source="made-up.txt")
    assert_conserved(text, draft)
    return draft


def names(article) -> list[tuple[str, str]]:
    return [(credit.name, credit.role) for credit in article.reporters]


# -- text repair --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doubled", "clean"),
    [
        ("市文联市文联““春风书屋春风书屋””开放开放", "市文联“春风书屋”开放"),
        ("全镇各村全镇各村开开展秋收互助展秋收互助", "全镇各村开展秋收互助"),
        ("湖光山色湖光山色", "湖光山色"),
    ],
)
def test_fake_bold_is_undone(doubled, clean):
    assert undoubled_text(doubled) == clean


@pytest.mark.parametrize("text", ["认真学习新思想", "大家好好学习天天向上", "会议强调要抓好落实"])
def test_ordinary_text_is_not_undoubled(text):
    assert undoubled_text(text) == text


def test_letter_spacing_is_closed_but_latin_words_keep_their_space():
    assert close_spaces("生 产 和 防 灾 工 作") == "生产和防灾工作"
    assert close_spaces("某区 （开发区） 党工委") == "某区（开发区）党工委"
    assert close_spaces("识别 BA.5.2 变异株 3 个 PPT slides") == "识别BA.5.2变异株3个PPT slides"


def test_wrapped_lines_join_without_spaces_between_chinese():
    assert join_lines(["今年以来，该镇", "完成投资 12.5", "亿元。"]) == "今年以来，该镇完成投资12.5亿元。"


def test_headline_keeps_a_gap_between_phrases_but_not_letter_spacing():
    assert clean_headline(["简 讯 快 递"]) == "简讯快递"
    assert clean_headline(["春耕备耕忙 田间处处新"]) == "春耕备耕忙 田间处处新"
    assert clean_headline(["县城新区", "道路改造完工"]) == "县城新区道路改造完工"


# -- credits ------------------------------------------------------------------------------------
def test_lead_roles_and_names():
    assert parse_roles("记者马小跳 通讯员林间", "记者") == [Credit("马小跳", "记者"), Credit("林间", "通讯员")]
    assert parse_roles("记者马小跳、何方舟", "记者") == [Credit("马小跳", "记者"), Credit("何方舟", "记者")]
    # letter-spaced role words and a name split over two lines
    assert parse_roles("记 者马小跳\n通 讯 员钱\n多多", "记者") == [
        Credit("马小跳", "记者"),
        Credit("钱多多", "通讯员"),
    ]


def test_text_and_picture_marks_are_not_names():
    assert parse_roles("记者石磊/文 林间/图", "记者") == [Credit("石磊", "记者"), Credit("林间", "记者")]


def test_letter_spaced_names_rejoin():
    assert split_names("何 方") == ["何方"]
    assert split_names("石磊 钱多多") == ["石磊", "钱多多"]
    assert split_names("孙 悟 空") == ["孙悟空"]


def test_trailing_credit():
    assert trailing_names("会议还研究了其他事项。 （石磊 钱多多）") == ["石磊", "钱多多"]
    assert trailing_names("（何方舟）") == ["何方舟"]
    assert trailing_names("文章（以下简称“规划”）") is None


@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("本报记者 钱多多 摄", "钱多多"),
        ("林 间 摄", "林间"),
        ("县宣 摄", "县宣"),
        ("本报记者 钱多\n多 摄", "钱多多"),
        ("游客在湖边赏花。 何 方 摄", "何方"),
        ("游客在湖边赏花。马小跳摄", "马小跳"),
    ],
)
def test_photographer_of_a_credit(credit, name):
    assert photographer_of(credit) == name


# -- pages and headers --------------------------------------------------------------------------
def test_pages_start_at_a_single_leading_space_or_form_feed():
    text = "前言\n 第一页\n正文\n  两个空格不是新页\n\f第二页\n 第三页\n \n"
    pages = split_pages(text)
    assert "".join(raw for _, raw in pages) == text
    assert [raw.split("\n")[0] for _, raw in pages] == ["前言", " 第一页", "\f第二页", " 第三页"]


def test_page_header_lines():
    info = PageInfo()
    for line in [
        "JIAOZUODAILY",
        "B03│城区新闻2024年5月8日星期三",
        "■新闻热线：1234567│■编辑：石磊│校对：林间│组版：何方舟",
    ]:
        read_header(line, info)
    assert info.paper == "焦作日报"
    assert (info.number, info.section, info.date) == ("B03", "城区新闻", dt.date(2024, 5, 8))
    assert info.staff == {"编辑": "石磊", "校对": "林间", "组版": "何方舟"}


def test_header_in_the_middle_of_a_page_names_the_page_and_the_issue():
    text = (
        "本报讯（记者石磊）5月6日，某镇召开\n会议。\n\n某镇召开会议\n\n"
        "JIAOZUO DAILY\nB03│城区新闻2024年5月8日 星期三\n\n"
        "■新闻热线：1234567│■编辑：石磊│校对：林间│组版：何方舟\n"
    )
    draft = parse(text)
    page = draft.pages[0]
    assert (page.number, page.section) == ("B03", "城区新闻")
    assert draft.date == dt.date(2024, 5, 8) and draft.paper == "焦作日报"
    assert page.staff == {"编辑": "石磊", "校对": "林间", "组版": "何方舟"}
    assert "JIAOZUODAILY" in page.furniture


# -- whole pages --------------------------------------------------------------------------------
AFTER_LAYOUT = """ 要闻速递

本报讯（记者马小跳 通讯员林
间） 5 月 6 日上午，某区召开
工作会议，部署下一阶段工作。

会议强调，要抓好各项工作落
实，确保按时完成任务。

某区召开工作会议

本报讯（记者何方舟）5月7日，
某镇举办文化活动，群众踊跃
参加。

某镇
举办文化活动

⬆群众观看演出。

（本版照片均为本报记者钱多多摄）
"""


def test_headlines_printed_after_their_bodies():
    draft = parse(AFTER_LAYOUT)
    first, second = draft.pages[0].articles
    assert first.headline == "某区召开工作会议"
    assert names(first) == [("马小跳", "记者"), ("林间", "通讯员")]
    assert first.body.startswith("5月6日上午，某区召开工作会议")
    assert first.body.count("\n\n") == 1
    assert second.headline == "某镇举办文化活动"
    assert draft.pages[0].section == "要闻速递"
    photo = draft.pages[0].photos[0]
    assert photo.caption.endswith("群众观看演出。") and photo.photographer == "钱多多"


BEFORE_LAYOUT = """某区召开工作会议

本报讯（记者马小跳）5月6日上午，某区召开工作会议，部署下一阶段工作。

会议强调，要抓好各项工作落实，确保按时完成任务。

城南街道

“邻里节”拉近邻里距离

本报讯 5月7日，城南街道举办“邻里节”活动，居民踊跃参加。（石磊 钱多多）

春耕备耕忙 田间处处新

本报记者 何 方

清晨的田野里，农机来回穿梭。

农机进田 效率倍增

今年全镇新增农机一百余台。

2024年5月8日 星期三
"""


def test_headlines_printed_before_their_bodies():
    draft = parse(BEFORE_LAYOUT)
    articles = draft.pages[0].articles
    assert [a.headline for a in articles] == ["某区召开工作会议", "“邻里节”拉近邻里距离", "春耕备耕忙 田间处处新"]
    assert articles[1].kicker == "城南街道"
    assert names(articles[1]) == [("石磊", "作者"), ("钱多多", "作者")]
    assert articles[1].body.endswith("居民踊跃参加。")
    feature = articles[2]
    assert feature.kind == "feature" and names(feature) == [("何方", "记者")]
    assert "农机进田" in feature.body  # an intertitle stays in its feature
    assert draft.date == dt.date(2024, 5, 8)
    assert draft.pages[0].furniture == ["2024年5月8日星期三"]


def test_briefs_commentary_and_column_names():
    text = """●5月6日，某镇召开safety会议，部署工作。（石磊）

●5月7日，某村开展义诊活动，服务群众
二百余人次。 （林间 何方舟）

简 讯 快 递
"""
    draft = parse(text)
    briefs = draft.pages[0].articles
    assert [a.kind for a in briefs] == ["brief", "brief"]
    assert [a.headline for a in briefs] == [None, None]
    assert names(briefs[1]) == [("林间", "作者"), ("何方舟", "作者")]
    assert draft.pages[0].furniture == ["简讯快递"]


def test_captions_qr_lines_and_credits():
    text = """ 本报讯（记者石磊）5月6日，某镇召开会议，部署工作，要求
各村抓好落实。

某镇召开会议

5月6日，游客在湖边赏花。

本报记者 钱多
多 摄

扫图①二维码观看视频。扫图②二维码观看直播。
"""
    draft = parse(text)
    photos = draft.pages[0].photos
    assert [p.photographer for p in photos] == ["钱多多", None, None]
    assert photos[1].caption.startswith("扫图①") and photos[2].caption.startswith("扫图②")
    kinds = {s.kind for s in draft.pages[0].segments}
    assert {SegmentKind.CAPTION, SegmentKind.PHOTO_CREDIT, SegmentKind.BYLINE, SegmentKind.HEADLINE} <= kinds


def test_doubled_headline_segments():
    text = "本报讯（记者石磊）某镇召开会议，部署工作。\n\n某镇某镇““邻里节邻里节””开幕开幕\n"
    draft = parse(text)
    page = draft.pages[0]
    assert page.articles[0].headline == "某镇“邻里节”开幕"
    doubled = [page.raw_text[s.start : s.end] for s in page.segments if s.kind == SegmentKind.DOUBLED]
    assert "".join(doubled) == "某镇“邻里节”开幕"


def test_an_article_printed_twice_points_to_its_first_copy():
    body = (
        "本报讯（记者石磊）5月6日，某镇召开会议，部署下一阶段各项重点工作，要求各村抓好落实，确保按时完成全年目标任务。"
    )
    text = f"某镇召开会议\n\n{body}\n\n某村开展义诊\n\n本报讯（记者林间）5月7日，某村开展义诊活动。\n\n{body}\n"
    draft = parse(text)
    articles = draft.articles
    assert len(articles) == 3
    assert articles[2].duplicate_of == 0 and articles[0].duplicate_of is None


def test_a_headline_on_the_next_page_belongs_to_its_article():
    text = (
        "本报讯（记者石磊）某镇召开会议，部署工作。\n\n本报记者 林 间\n\n清晨，农机来回穿梭。\n\n农机进田\n"
        " ⬆农机在田间作业。\n\n某镇召开工作会议\n"
    )
    draft = parse(text)
    first = draft.pages[0].articles[0]
    assert first.headline == "某镇召开工作会议"
    heads = [s for s in draft.pages[1].segments if s.kind == SegmentKind.HEADLINE]
    assert heads and heads[0].owner_page == 1 and heads[0].article == 0


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\f", " \n \n", "本报讯", "（）", "●", "⬆", "摄", "a" * 5000])
def test_odd_inputs_are_segmented_without_the_fallback(text):
    # the segmentation itself, not ``parse_issue``'s never-raise fallback, which would pass anything
    assert_conserved(text, segmenter._parse(text, "odd.txt"))


# -- more credit and header forms ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("本报记者 钱多多 通讯员 林间 摄", "钱多多"),
        ("新华社记者 何方舟 摄", "何方舟"),
        ("本报通讯员 石 磊 摄", "石磊"),
    ],
)
def test_photographer_of_other_credit_forms(credit, name):
    assert photographer_of(credit) == name


def test_trailing_credit_with_a_role():
    from importer.parsing.credits import trailing_credits

    assert trailing_credits("工作取得实效。（本报记者 石磊）") == [Credit("石磊", "记者")]
    assert trailing_credits("工作取得实效。（林间 何方舟）") == [Credit("林间", "作者"), Credit("何方舟", "作者")]


@pytest.mark.parametrize(
    ("line", "number", "section", "date"),
    [
        ("B03│城区新闻2024年5月8日星期三", "B03", "城区新闻", dt.date(2024, 5, 8)),
        ("2024年5月8日星期三│B03│城区新闻", "B03", "城区新闻", dt.date(2024, 5, 8)),
        ("B03城区新闻2024年5月8日星期三", "B03", "城区新闻", dt.date(2024, 5, 8)),
        ("第3版│要闻", "第3版", "要闻", None),
    ],
)
def test_page_header_variants(line, number, section, date):
    info = PageInfo()
    read_header(line, info)
    assert (info.number, info.section, info.date) == (number, section, date)


def test_a_spaced_byline_without_the_paper_name_opens_a_feature():
    text = "春耕备耕正当时\n\n记者 石 磊 通讯员 林间\n\n清晨的田野里，农机来回穿梭。\n\n农机进田，效率倍增。\n"
    article = parse(text).pages[0].articles[0]
    assert article.kind == "feature"
    assert names(article) == [("石磊", "记者"), ("林间", "通讯员")]
    assert article.headline == "春耕备耕正当时"


def test_each_page_keeps_its_own_headline_order():
    after = "本报讯（记者石磊）5月6日，某镇召开会议，部署工作。\n\n某镇召开工作会议\n\n⬆会场一角。\n"
    before = " 某村开展义诊活动\n\n本报讯（记者林间）5月7日，某村开展义诊活动，服务群众。\n"
    draft = parse(after + before)
    assert [a.headline for page in draft.pages for a in page.articles] == ["某镇召开工作会议", "某村开展义诊活动"]


def test_a_caption_is_linked_to_the_story_it_illustrates():
    text = (
        "本报讯（记者石磊）5月6日，城南街道举办“邻里节”，居民在广场上包饺子、拉家常。\n\n"
        "城南街道举办“邻里节”\n\n"
        "本报讯（记者林间）5月7日，某村开展义诊活动，服务群众二百余人次。\n\n"
        "某村开展义诊活动\n\n"
        "⬆居民在“邻里节”上包饺子。\n"
    )
    page = parse(text).pages[0]
    assert page.photos[0].article == 0 and page.photos[0].article_page is None


def test_numbered_section_titles_stay_inside_their_story():
    text = (
        "某区召开工作会议\n\n本报讯（记者石磊）5月6日上午，某区召开工作会议，部署工作。\n\n"
        "一、强化组织领导\n\n会议要求，各单位要明确责任分工。\n\n二、狠抓工作落实\n\n会议强调，要确保按时完成任务。\n\n"
        "某镇举办文化活动\n\n本报讯（记者林间）5月7日，某镇举办活动。\n"
    )
    first, second = parse(text).pages[0].articles
    assert first.headline == "某区召开工作会议" and second.headline == "某镇举办文化活动"
    assert "\n\n一、强化组织领导\n\n" in first.body and first.body.endswith("要确保按时完成任务。")


def test_kicker_headline_and_subheadline_after_the_body():
    text = (
        "本报讯（记者石磊）5月6日上午，某区召开工作会\n议，部署下一阶段工作。\n\n"
        "城南街道\n\n“邻里节”拉近邻里距离\n\n——城南街道开展邻里互助活动\n侧记\n\n"
        "本报讯（记者林间）5月7日，某镇举\n办活动，群众踊跃参加。\n\n某镇举办文化活动\n"
    )
    first, second = parse(text).pages[0].articles
    assert (first.kicker, first.headline, first.subheadline) == (
        "城南街道",
        "“邻里节”拉近邻里距离",
        "——城南街道开展邻里互助活动侧记",
    )
    assert second.headline == "某镇举办文化活动"


def test_a_headline_glued_above_the_next_lead_is_split_off():
    text = (
        "本报讯（记者石磊）5月6日上午，某区召开工作会\n议，部署下一阶段工作。\n某区召开\n工作会议\n"
        "本报讯（记者林间）5月7日，某镇举\n办活动，群众踊跃参加。\n\n某镇举办文化活动\n"
    )
    first, second = parse(text).pages[0].articles
    assert first.headline == "某区召开工作会议" and first.body.endswith("部署下一阶段工作。")
    assert second.headline == "某镇举办文化活动"


def test_bracketed_and_source_photo_credits():
    text = (
        "本报讯（记者石磊）5月6日，某镇召开会议，部署工作。\n\n某镇召开会议\n\n"
        "游客在湖边赏花。（本报记者 钱多多 摄）\n\n"
        "农机在田间作业。\n\n（图片由某镇农业站提供）\n\n"
        "本报记者 石磊 本报通讯员 林间\n\n清晨的田野里，农机来回穿梭。\n\n农机进田效率高\n"
    )
    page = parse(text).pages[0]
    assert [(p.caption, p.photographer) for p in page.photos] == [
        ("游客在湖边赏花。", "钱多多"),
        ("农机在田间作业。", None),
    ]
    feature = page.articles[-1]
    assert feature.kind == "feature" and names(feature) == [("石磊", "记者"), ("林间", "通讯员")]


UNSIGNED_COMMENTARY_AFTER_A_HEADLINE = """ 要闻速递
本报讯（记者马小跳）5月6日
上午，某区召开工作会议，部署
下一阶段工作。

某区召开工作会议

群众的事无小事。办好一件
件小事，就是把服务做到了
群众的心坎上，这需要每一
名干部俯下身子听民声。

要把群众的操心事、烦心事
当作自己的事，一件一件抓
落实，一项一项抓到底，让
群众看到实实在在的变化。

（作者为某区干部）

小事见初心

□林 间
"""


def test_an_unsigned_commentary_after_a_headline_is_its_own_article():
    """The headline below a body is followed by prose that a "□name" signs later: a new commentary,
    not the first line of a paragraph cut off by a column break."""
    draft = parse(UNSIGNED_COMMENTARY_AFTER_A_HEADLINE)
    news, commentary = draft.pages[0].articles
    assert news.headline == "某区召开工作会议" and news.body.endswith("部署下一阶段工作。")
    assert commentary.kind == "commentary" and commentary.headline == "小事见初心"
    assert commentary.body.startswith("群众的事无小事") and names(commentary) == [("林间", "作者")]


def test_an_english_masthead_of_another_paper_is_a_header_line():
    info = PageInfo()
    read_header("XINXIANGDAILY", info)
    assert info.paper == "XINXIANGDAILY"
