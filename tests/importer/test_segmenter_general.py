"""Rules that generalise beyond the seeds, one group per pattern of the generalisation brief, on
made-up text: invented people, places and headlines, set the way other papers' text layers are."""

from __future__ import annotations

import pytest

from importer.parsing import parse_issue, segmenter
from importer.parsing.credits import byline_credits, lead_match, photo_credit, trailing_photo_credit
from importer.parsing.drafts import Credit, SegmentKind
from importer.parsing.headlines import affinity
from importer.parsing.pages import PageInfo, read_header
from importer.parsing.profiles import COLUMN_INTROS, DEFAULT, MASTHEADS, ProfileError, load_profile
from importer.parsing.textfix import close_spaces
from tests.importer.segment_checks import assert_conserved


def parse(text: str):
    draft = segmenter._parse(text, "made-up.txt")  # the rules themselves, never the fallback
    assert_conserved(text, draft)
    return draft


def articles(text: str) -> list:
    return [article for page in parse(text).pages for article in page.articles]


def names(article) -> list[tuple[str, str]]:
    return [(credit.name, credit.role) for credit in article.reporters]


# -- 1. a headline's direction is decided per story -------------------------------------------------
MIXED_PAGE = """东湖区召开防汛工作会议

本报讯（记者张三）6月2日，东湖区召开防汛工作会议，部署汛期各项工作。
会议要求，各部门要压实责任，确保安全度汛。

西山镇启动乡村道路改造

本报讯（记者李四）西山镇近日启动乡村道路改造工程，计划年内完成。
工程完工后，沿线群众出行将更加便利。

本报讯（记者王五）南湖街道开展消防演练，居民学会了使用灭火器。
演练结束后，工作人员还讲解了家庭防火常识。

南湖街道开展消防演练
"""


def test_headlines_before_and_after_their_bodies_on_one_page():
    found = articles(MIXED_PAGE)
    assert [a.headline for a in found] == ["东湖区召开防汛工作会议", "西山镇启动乡村道路改造", "南湖街道开展消防演练"]
    assert [names(a) for a in found] == [[("张三", "记者")], [("李四", "记者")], [("王五", "记者")]]


def test_a_headline_goes_to_the_story_it_shares_words_with():
    assert affinity("南湖街道开展消防演练", "南湖街道开展消防演练，居民学会了使用灭火器") == 1.0
    assert affinity("南湖街道开展消防演练", "西山镇近日启动乡村道路改造工程") == 0.0


# -- 2. plain stories without lead or byline ------------------------------------------------------------
PLAIN_STORIES = """老旧小区谁来管？

居民反映，小区物业撤走后，垃圾无人清理，路灯也坏了。
社区工作人员表示，将尽快协调新的物业公司进驻。

5月8日某县召开
县委常委会议

会议研究部署近期重点工作，强调要抓好安全生产。
会议要求，各部门要确保全县大局稳定。 （赵六 钱七）

某镇开展义诊活动

本报讯（记者孙八）某镇卫生院近日开展义诊活动，群众踊跃参加。
"""


def test_a_question_headline_a_headline_opening_with_a_date_and_a_story_closed_by_its_credit():
    found = articles(PLAIN_STORIES)
    assert [(a.kicker or "") + (a.headline or "") for a in found] == [
        "老旧小区谁来管？",
        "5月8日某县召开县委常委会议",
        "某镇开展义诊活动",
    ]
    assert names(found[1]) == [("赵六", "作者"), ("钱七", "作者")]
    assert found[1].body.endswith("确保全县大局稳定。")


READERS_ITEMS = """网友留言：我家门口的路灯坏了一个月，希望有关部门尽快维修，方便居民夜间出行。
网友

网友留言：小区门口的公交站没有遮阳棚，夏天等车很辛苦，建议增设。
网友 ab1234

5月6日，市民孙先生致电本报热线，反映某路段井盖破损，存在安全隐患。
记者当天赶到现场，看到井盖已经塌陷，周围没有任何警示标志，过往行人只能绕行。
工作人员表示，已安排维修人员连夜施工，将尽快修复。
"""


def test_a_run_of_readers_items_and_their_signatures():
    found = articles(READERS_ITEMS)
    assert len(found) == 3
    assert found[0].body.startswith("网友留言：我家门口") and found[1].body.startswith("网友留言：小区门口")
    assert found[2].body.startswith("5月6日，市民孙先生") and all(not a.reporters for a in found)


def test_a_bare_name_under_a_headline_is_its_author():
    text = "守住底线，让群众放心\n\n孙  八\n\n食品安全关系千家万户，容不得半点马虎。\n监管部门要把好每一道关口。\n"
    (found,) = articles(text)
    assert found.headline == "守住底线，让群众放心" and names(found) == [("孙八", "作者")]


# -- 3. lead forms of other papers and agencies -------------------------------------------------------
@pytest.mark.parametrize(
    ("flat", "credit"),
    [
        ("本报讯（记者张三）今天", "记者张三"),
        ("本报某地5月6日电（记者李四）6日，", "记者李四"),
        ("新华社某地3月1日电", None),
        ("本报某县讯(通讯员王五)某镇", "通讯员王五"),
        ("晚报讯（记者赵六通讯员钱七）昨天", "记者赵六通讯员钱七"),
        ("某县讯(通讯员孙八)近年来", "通讯员孙八"),
        ("本网讯（通讯员 周九）为", "通讯员 周九"),
        ("【本报讯】今天", None),
        ("本报讯张三报道：今天", None),
    ],
)
def test_lead_forms(flat, credit):
    match = lead_match(flat)
    assert match is not None
    assert match.group(1) == credit


@pytest.mark.parametrize(
    "flat", ["本报记者从某局获悉，", "记者了解到，今年", "电力公司讯息平台上线", "会议强调要抓好落实"]
)
def test_sentences_are_not_leads(flat):
    assert lead_match(flat) is None


def test_a_lead_wrapped_over_a_narrow_column():
    text = "某省建设碳普\n惠平台\n\n本报某地5月6日\n电  （记者吴十）\n某省近日印发方\n案，建设公众参\n与平台。\n"
    (found,) = articles(text)
    assert names(found) == [("吴十", "记者")] and found.body.startswith("某省近日印发方案")


def test_a_wire_dispatch_names_no_reporter():
    (found,) = articles("某市发布公园指南\n\n新华社某地3月1日电 1日，某市发布首个公园指南，推荐30处场所。\n")
    assert found.headline == "某市发布公园指南" and found.reporters == []
    assert found.body.startswith("1日，某市发布首个公园指南")


# -- 4. byline blocks -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "credits"),
    [
        ("本报记者 石 磊", [("石磊", "记者")]),
        ("□晚报记者 张三", [("张三", "记者")]),
        ("实习生 李四 记者 王五", [("李四", "记者"), ("王五", "记者")]),
        ("■通 讯 员 赵六", [("赵六", "通讯员")]),
        ("融媒体记者 钱七 孙八", [("钱七", "记者"), ("孙八", "记者")]),
        ("本报记者 周九 通讯员 吴十 文/图", [("周九", "记者"), ("吴十", "通讯员")]),
        ("□记者 郑一/文", [("郑一", "记者")]),
        ("王二/图", [("王二", "摄影")]),
        ("本报见习记者张三", [("张三", "记者")]),
        ("本报评论员", []),
        ("文/图 本报记者 李四", [("李四", "记者")]),
        ("王五栏目主持", [("王五", "作者")]),
    ],
)
def test_byline_forms(line, credits):
    assert byline_credits(line) == [Credit(name, role) for name, role in credits]


@pytest.mark.parametrize("line", ["记者了解到", "会议强调", "记者在现场看到，", "本报讯 记者"])
def test_text_is_not_a_byline(line):
    assert byline_credits(line) is None


def test_a_byline_above_a_lead_is_one_story_and_organisations_are_nobody():
    text = "某区垃圾清运难\n\nN本报记者 张三 李四 实习生 王五\n\n本报讯 某区一小区物业撤走后，垃圾堆积如山。\n"
    (found,) = articles(text)
    assert names(found) == [("张三", "记者"), ("李四", "记者"), ("王五", "记者")]


# -- 5. trailing credits and continued stories -------------------------------------------------------------
def test_a_credit_glued_after_the_last_sentence_and_a_credit_line_after_the_body():
    text = (
        "某地提醒市民注意出行安全\n\n深夜骑行非常危险，请市民遵守交通规则。 本报记者 张三\n\n"
        "某镇开展义诊\n\n某镇开展义诊活动，群众踊跃参加。\n文/图 本报记者 李四\n\n"
        "⬆义诊现场。\n\n某镇另一条消息，群众纷纷点赞，说的是镇上新修的广场。\n广场修好以后，\n"
        "每天傍晚都有许多居民来这里散步、跳舞、下棋，孩子们也有了玩耍的地方，大家都说好。\n"
        "镇里还计划在广场边上修一座图书室，让居民在家门口就能读书看报。\n"
    )
    found = articles(text)
    assert names(found[0]) == [("张三", "记者")] and found[0].body.endswith("请市民遵守交通规则。")
    assert names(found[1]) == [("李四", "记者")]
    assert not found[2].reporters  # the credit line closed the story before: it is nobody else's


def test_bare_names_under_the_last_sentence_are_the_trailing_credit():
    text = (
        "某县召开会议\n\n某县召开会议，研究部署工作。\n会议还部署了其他工作。\n"
        "赵六 钱七\n\n另一个标题\n\n另一篇稿件的正文，说的是别的事情。\n"
    )
    found = articles(text)
    assert names(found[0]) == [("赵六", "作者"), ("钱七", "作者")]
    assert not found[-1].reporters


def test_continuation_notes_are_furniture_and_join_the_story_across_pages():
    text = (
        "一个村子的变化\n\n本报记者 张三\n\n这个搬迁的新村，是一个新的开始。\n"
        "村民们的日子越过越红火。\n（下转第二版）\n"
        " （上接第一版）去年春天，我第一次来到这个村子。\n那时的村子还到处是工地。\n"
    )
    draft = parse(text)
    (story,) = [a for page in draft.pages for a in page.articles]
    assert story.body.endswith("那时的村子还到处是工地。") and names(story) == [("张三", "记者")]
    furniture = [f for page in draft.pages for f in page.furniture]
    assert "（下转第二版）" in furniture and "（上接第一版）" in furniture


# -- 6. briefs with other bullets, the column label before or after -----------------------------------------
@pytest.mark.parametrize("bullet", ["●", "■", "◆", "▲", "★", "○"])
def test_briefs_with_any_bullet(bullet):
    text = (
        f"{bullet}5月6日，某镇组织干部参观学习环境整治成果。 （张三）\n\n"
        f"{bullet}5月7日，某县人大常委会召开主任会议。\n\n简  讯\n"
    )
    found = articles(text)
    assert [a.kind for a in found] == ["brief", "brief"] and found[0].headline is None
    assert names(found[0]) == [("张三", "作者")]
    assert "简讯" in parse(text).pages[0].furniture


def test_a_bulleted_title_above_its_lead_is_a_headline():
    text = "◆某省建设碳普惠平台\n\n本报某地5月6日电（记者孙八）某省近日印发方案，建设公众参与平台。\n"
    (found,) = articles(text)
    assert found.headline == "某省建设碳普惠平台" and found.kind == "news" and names(found) == [("孙八", "记者")]


# -- 7. photo credits in other forms ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flat", "photographer"),
    [
        ("张三摄（某某视觉）", "张三"),
        ("新华社发（李四摄）", "李四"),
        ("新华社记者王五摄", "王五"),
        ("赵六摄影报道", "赵六"),
        ("某某日报全媒体记者/钱七通讯员/孙八摄", "钱七"),
        ("拍摄者：本报记者周九", "周九"),
        ("某县融媒体中心供图", None),
        ("受访者供图", None),
        ("视频截图", None),
    ],
)
def test_photo_credit_forms(flat, photographer):
    assert photo_credit(flat) == (True, photographer)


@pytest.mark.parametrize("flat", ["会议拍摄", "我们去拍摄", "记者在现场拍摄了视频。"])
def test_text_is_not_a_photo_credit(flat):
    assert photo_credit(flat)[0] is False


def test_a_credit_glued_to_a_captions_last_sentence():
    text = "村民在田间收获山药。新华社发（李四摄）"
    assert text[trailing_photo_credit(text) :] == "新华社发（李四摄）"


def test_captions_inside_text_written_without_blank_lines():
    body = "".join(f"第{n}段正文写在窄栏里，\n句子很长还没完，\n说完了这一段。\n" for n in range(1, 4))
    text = (
        "本报记者 张三\n"
        + body
        + "某年某月，村民种下最后一批树苗，\n防护林实现合龙。\n张三摄（某某视觉）\n"
        + "村民在采摘花朵（摄于去年）。  某县融媒体中心供\n图\n"
    )
    draft = parse(text)
    photos = draft.pages[0].photos
    assert [p.caption for p in photos] == [
        "某年某月，村民种下最后一批树苗，防护林实现合龙。",
        "村民在采摘花朵（摄于去年）。",
    ]
    assert [p.photographer for p in photos] == ["张三", None]
    assert draft.pages[0].articles[0].body.endswith("说完了这一段。")


def test_a_page_credit_naming_a_source_and_numbered_captions():
    text = "①居民在公园里游玩\n\n②路口不再设卡，车辆通行顺畅\n\n（本版图片均据某通讯社）\n"
    draft = parse(text)
    assert [p.caption for p in draft.pages[0].photos] == ["①居民在公园里游玩", "②路口不再设卡，车辆通行顺畅"]
    assert any(s.kind == SegmentKind.PHOTO_CREDIT for s in draft.pages[0].segments)


def test_a_photo_news_box_with_its_credit_before_the_caption():
    text = (
        "街头一角\n时间：5月6日上午\n地点：某路天桥下\n拍摄者：本报记者 吴十\n"
        "\n有市民反映，天桥下的餐棚长期弃用，变得灰头土脸，影响街区面貌。\n"
    )
    draft = parse(text)
    (photo,) = draft.pages[0].photos
    assert photo.photographer == "吴十" and "天桥下的餐棚长期弃用" in photo.caption
    assert not draft.pages[0].articles


def test_a_caption_set_wider_than_the_storys_column():
    column = "".join(f"第{n}行写满窄栏，\n" for n in range(8))
    text = (
        f"某地雨中执勤\n\n□记者 张三\n\n{column}执勤结束。\n\n"
        f"雨中，执勤的民警在街头疏导交通，为市民排忧解难。\n\n下一篇的标题\n\n"
        f"下一篇正文，另起一段。\n"
    )
    draft = parse(text)
    assert [p.caption for p in draft.pages[0].photos] == ["雨中，执勤的民警在街头疏导交通，为市民排忧解难。"]


# -- 8. fake bold in other forms ------------------------------------------------------------------------------
def test_a_headline_line_printed_twice_with_its_kicker_and_byline():
    text = (
        "某代表谈土豆销售\n——\n小小土豆变成\n小小土豆变成\n致富金豆豆\n"
        "致富金豆豆\n本报记者  王五\n山里的土豆，怎样卖出好价钱？\n"
        "“关键是找到销路。”\n"
    )
    (found,) = articles(text)
    assert found.headline == "小小土豆变成致富金豆豆" and found.kicker == "某代表谈土豆销售——"
    assert names(found) == [("王五", "记者")]
    doubled = [s for s in parse(text).pages[0].segments if s.kind == SegmentKind.DOUBLED]
    assert len(doubled) == 2


def test_a_headline_doubled_character_by_character():
    (found,) = articles(
        "城城乡乡环环境境换换新新颜颜\n\n张  三\n\n夏天到了，河边的垃圾又多了起来，有关部门正在清理。\n"
    )
    assert found.headline == "城乡环境换新颜"


# -- 9. page headers and breaks ---------------------------------------------------------------------------------
def test_headers_of_other_papers_at_top_and_bottom_and_form_feeds():
    text = (
        "SOMECITY EVENING POST\n第5版 要闻\n2024年5月8日 星期三\n\n"
        "某区召开会议\n\n本报讯（记者张三）某区召开会议。\n\n编辑 李四 校对 王五\n"
        "\f05\n评论\n2024年5月8日 星期三\n\n守住底线\n\n赵  六\n\n监管部门要把好每一道关口。\n"
    )
    draft = parse(text)
    first, second = draft.pages
    assert len(draft.pages) == 2
    assert (
        first.number == "第5版"
        and first.paper == "SOMECITYEVENINGPOST"
        and first.staff == {"编辑": "李四", "校对": "王五"}
    )
    assert second.number == "05" and second.date is not None
    assert [a.headline for a in first.articles + second.articles] == ["某区召开会议", "守住底线"]


def test_a_known_english_masthead_maps_to_its_papers_name():
    info = PageInfo()
    read_header("JIAOZUODAILY", info)
    assert info.paper == MASTHEADS["JIAOZUODAILY"]


@pytest.mark.parametrize(
    ("spaced", "joined"),
    [
        ("4 月1 5 日", "4月15日"),
        ("2 0 2 4 年", "2024年"),
        ("1 . 7 万吨", "1.7万吨"),
        ("BA.5.2 variant", "BA.5.2 variant"),
    ],
)
def test_letter_spaced_digits_are_joined(spaced, joined):
    assert close_spaces(spaced) == joined


# -- paper profiles ---------------------------------------------------------------------------------------------
def test_the_default_profile_names_no_paper():
    assert DEFAULT.name is None and DEFAULT.mastheads == {}
    assert DEFAULT.wire_agencies and set(DEFAULT.column_intros) <= COLUMN_INTROS


def test_a_bad_profile_is_refused_with_its_file_name(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"key": "broken", "mastheads": {"X DAILY": 3}}', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.json"):
        load_profile(path)
    path.write_text('{"key": "broken", "colour": "red"}', encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown keys"):
        load_profile(path)


def test_parse_issue_is_the_same_segmentation():
    text = MIXED_PAGE
    assert [a.headline for a in parse_issue(text, source="x").pages[0].articles] == [
        a.headline for a in parse(text).pages[0].articles
    ]


def test_two_names_glued_together_are_read_as_two():
    text = "■某县讯(通讯员王小二李小三)近年来，某县不断改善办学条件。\n\n■某镇开展活动，群众踊跃参加。\n"
    first = articles(text)[0]
    assert names(first) == [("王小二", "通讯员"), ("李小三", "通讯员")]


@pytest.mark.parametrize(
    ("line", "number", "section", "staff"),
    [
        ("编辑：张三丰 校对：李四光", None, None, {"编辑": "张三丰", "校对": "李四光"}),
        ("编辑：王五  美编：赵六", None, None, {"编辑": "王五", "美编": "赵六"}),
        ("05  县域  2026年4月2日 星期四  编辑：钱七", "05", "县域", {"编辑": "钱七"}),
        ("2026年4月5日 星期日  编辑：孙八", None, None, {"编辑": "孙八"}),
    ],
)
def test_staff_and_bottom_header_lines(line, number, section, staff):
    info = PageInfo()
    read_header("".join(line.split()), info, line)
    assert (info.number, info.section, info.staff) == (number, section, staff)


def test_a_number_wrapped_over_two_lines_stays_one_number():
    (found,) = articles(
        "某县植树造林\n\n本报讯（记者张三）今年全县共栽种树苗13\n00余棵，造林面积1\n.6万亩，成活率高。\n"
    )
    assert "1300余棵" in found.body and "1.6万亩" in found.body


def test_numbered_captions_share_the_credit_under_the_last_one():
    text = (
        "某镇油菜花开\n\n某镇的油菜花进入盛花期，吸引了大批游客前来踏青赏花，带动了村民增收。\n"
        "镇里还在花海中设置了观景台和步道，方便游客观赏拍照。\n"
        "不少农户在入口处摆摊售卖土特产，一天下来收入可观，大家都说花海带来了好日子。\n\n"
        "①游客在花海中拍照留念。\n\n②无人机航拍下的油菜\n花田。  本报记者 张三 摄\n"
    )
    photos = parse(text).pages[0].photos
    assert [(p.caption[:1], p.photographer) for p in photos] == [("①", "张三"), ("②", "张三")]


def test_words_and_pictures_credit_the_storys_photo():
    text = (
        "社区便民维修圈\n\n“以前修个水龙头要等好几天，现在手机上下个单，师傅半小时就上门了。”\n"
        "家住某社区的居民说，社区引入便民维修服务后，生活方便多了。\n文/图 本报记者 李四\n\n"
        "⬆维修师傅上门为居民检修热水器。\n"
    )
    draft = parse(text)
    (photo,) = draft.pages[0].photos
    assert photo.photographer == "李四"


def test_a_signing_reader_is_no_name():
    text = (
        "某小区停车难\n\n编辑同志：我家小区门口常年停满车辆，老人和孩子出行很不方便。\n"
        "希望有关部门尽快整治。\n读者  韦小明\n"
    )
    (found,) = articles(text)
    assert names(found) == [("韦小明", "作者")]
