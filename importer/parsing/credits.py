"""Who wrote or photographed what: 本报讯 leads, byline lines, trailing credits, photo credits.

All patterns work on generic newspaper vocabulary (本报讯, 记者, 通讯员, 摄, □); no list of known
people drives them. Names are at most four Han characters and never keep inner spaces: the
extractor letter-spaces two-character names ("石 磊") and splits names across lines ("钱"/"多多").
"""

from __future__ import annotations

import re

from .drafts import Credit
from .profiles import WIRE_AGENCIES
from .textfix import is_cjk

H = r"\u3400-\u9fff"
#: The wire agencies of the paper profiles, as one alternation ("新华社|中新社").
_AGENCIES = "|".join(map(re.escape, WIRE_AGENCIES)) or "(?!)"
NAME = rf"[{H}]{{2,4}}"

#: A role word as printed, allowing letter-spacing inside it ("记 者", "通 讯 员").
_ROLE = re.compile(
    r"(本\s*报\s*)?(特\s*约\s*|见\s*习\s*)?"
    r"(摄\s*影\s*记\s*者|记\s*者|通\s*讯\s*员|实\s*习\s*生|摄\s*影|作\s*者)"
)
_ROLE_MAP = {"记者": "记者", "通讯员": "通讯员", "实习生": "记者", "摄影": "摄影", "作者": "作者", "摄影记者": "摄影"}

#: Who sends a dispatch: this paper (本报, 本刊, 本网), a wire agency, or another paper or site named
#: before 报/网 (晚报, 商报); then where and when it was sent from, and 讯 or 电. Generic newspaper
#: vocabulary: no paper's own name is needed.
_LEAD_SOURCE = rf"(?:本报|本刊|本网|{_AGENCIES}|[\u4e00-\u9fff]{{1,3}}[报网])"
#: The lead proper, on whitespace-free text: "本报讯", "本报某县讯", "晚报讯", "【本报讯】",
#: "本报某地5月6日电", "新华社某地3月1日电"; a bare place before 讯 only when a bracketed credit follows
#: ("西和讯（通讯员…）"). The credit may follow in brackets of either width, or as "记者张三报道：".
LEAD = re.compile(
    r"^[【\[]?(?:"
    rf"{_LEAD_SOURCE}[\u4e00-\u9fff]{{0,8}}?(?:\d{{1,2}}月\d{{1,2}}日)?电"
    rf"|{_LEAD_SOURCE}[\u4e00-\u9fff]{{0,6}}?讯"
    r"|[\u4e00-\u9fff]{2,4}讯(?=[（(])"
    r")[】\]]?"
    r"(?:[（(]([^（）()]{0,60})[）)]|((?:记者|通讯员)?[\u3400-\u9fff]{2,4}报道)[：:])?"
)
#: Words that never occur in the place of a lead ("本报记者从电力公司获悉" is a sentence, not a lead).
_NOT_IN_LEAD_PLACE = ("记者", "通讯员", "编辑", "评论")


#: What a lead holds near its start (…讯, …电); only such texts are matched against the lead forms.
LEAD_HINT = re.compile(r"^.{0,12}讯|^.{0,18}电")


def lead_match(flat: str) -> re.Match | None:
    """The lead at the start of a whitespace-free text, or None (see ``LEAD``)."""
    match = LEAD.match(flat)
    if match is None:
        return None
    if match.group(1) is not None:
        head = flat[: match.start(1) - 1]
    else:
        head = flat[: match.start(2)] if match.group(2) is not None else flat[: match.end()]
    if any(word in head for word in _NOT_IN_LEAD_PLACE):
        return None
    return match


def lead_credit_text(match: re.Match) -> str:
    """What a lead credits, in the lead's own words ("记者马小跳 通讯员林间", "张三报道")."""
    if match.group(1) is not None:
        return match.group(1)
    return (match.group(2) or "").removesuffix("报道")


#: "本报记者 石 磊", "本报通讯员 林间" (whitespace-free).
BYLINE = re.compile(
    rf"^(?:文[/／·]?图)?本报(?:特约)?(?:记者|通讯员)(?:{NAME})(?:(?:、|(?:本报)?(?:特约)?(?:记者|通讯员))?{NAME}){{0,3}}$"
)
#: "记者 张三" / "通讯员 李四 记者 王五" without 本报: only with a space after the role word (raw text),
#: since "记者了解到" is a sentence.
SPACED_BYLINE = re.compile(rf"^(?:文[/／·]?图\s*)?(?:(?:记者|通讯员)\s+[{H}](?:\s?[{H}]){{1,3}}\s*){{1,3}}$")
#: "□何方舟" (whitespace-free).
COMMENT_BYLINE = re.compile(rf"^[□◎]({NAME})$")
#: "（作者为某区总工会主席）" (whitespace-free).
AUTHOR_NOTE = re.compile(r"^[（(]作者(?:为|系|是|单位).{1,80}[）)]$")
_PHOTO_ROLE = rf"(?:本报|{_AGENCIES})?(?:特约)?(?:摄影记者|记者|通讯员|摄影)?"
#: "（本版照片均为本报记者钱多多摄）" (whitespace-free).
PAGE_CREDIT = re.compile(
    rf"^[（(]本(?:版|期|组)(?:照片|图片|摄影)(?:除署名外)?(?:均|都|皆)?(?:为|由|系)?{_PHOTO_ROLE}({NAME})摄[）)]$"
)
#: A page's photos credited to a source: "本版图片均据某通讯社", "（本版图片由某社提供）" (whitespace-free).
PAGE_SOURCE = re.compile(
    r"^[（(]?本(?:版|期|组)(?:图片|照片)(?:均|都)?(?:据|来自|由|为)[\u4e00-\u9fff]{2,12}?(?:提供)?[）)]?$"
)
#: A whole credit "本报记者 钱多多 摄", "县宣 摄" (whitespace-free).
PHOTO_CREDIT = re.compile(rf"^[（(]?(?:{_PHOTO_ROLE}({NAME}(?:、{NAME}){{0,2}})){{1,3}}摄(?:影)?[）)]?$")
#: "（图片由某区委宣传部提供）", "（资料图片）": a photo's source without a photographer (whitespace-free).
PHOTO_SOURCE = re.compile(r"^[（(](?:(?:图片|照片)由?.{2,16}(?:提供|供图)|资料(?:图片|照片)|网络图片)[）)]$")
#: A credit ending a caption paragraph after its last sentence: "…的方法。林间摄" (whitespace-free).
INLINE_PHOTO_CREDIT = re.compile(rf"(?<=[。！？”」）)])[（(]?({_PHOTO_ROLE})({NAME})摄[）)]?$")
#: A credit after a space at the end of a caption: "…掌握灭火方法 林 间 摄" (newlines removed, spaces kept).
SPACED_PHOTO_CREDIT = re.compile(rf"\s[（(]?({_PHOTO_ROLE}\s*[{H}](?:\s?[{H}]){{1,3}})\s*摄[）)]?$")


#: Who a byline line names: a role word as printed (letter-spacing allowed inside it), after an
#: optional organisation (本报, 全媒体, 融媒体, a wire agency, or any paper, station or centre: 晚报,
#: 某县融媒体中心). The organisation is never a person.
_SP = r"\s*"
_SPACED_AGENCIES = "|".join(r"\s*".join(map(re.escape, agency)) for agency in WIRE_AGENCIES) or "(?!)"
_ORG = (
    r"(?:本\s*报|本\s*刊|本\s*网|全\s*媒\s*体|融\s*媒\s*体|" + _SPACED_AGENCIES + "|"
    r"[\u4e00-\u9fff]{1,6}?(?:报社?|电视台|广播电视台|台|网|融媒体中心|中心))"
)
_BYLINE_ROLE = re.compile(
    rf"(?:{_ORG}{_SP})?(?:特{_SP}约{_SP}|见{_SP}习{_SP}|首{_SP}席{_SP})?"
    r"(摄\s*影\s*记\s*者|记\s*者|通\s*讯\s*员|实\s*习\s*生|评\s*论\s*员|摄\s*影"
    r"|作\s*者|撰\s*稿|栏\s*目\s*主\s*持|主\s*持\s*人?)"
)
_BYLINE_ROLE_MAP = {
    "记者": "记者",
    "实习生": "记者",
    "通讯员": "通讯员",
    "摄影记者": "摄影",
    "摄影": "摄影",
    "评论员": "作者",
    "作者": "作者",
    "撰稿": "作者",
    "栏目主持": "作者",
    "主持": "作者",
    "主持人": "作者",
}
#: Roles whose names are printed before them ("张三 栏目主持").
_ROLE_AFTER_NAMES = frozenset({"栏目主持", "主持", "主持人", "撰稿"})
#: A mark a paper prints before a byline (□, ■, ◎ …; an extractor may turn it into a capital letter).
_BYLINE_MARK = re.compile(r"^(?:[■□◎●◆▲△★☆○▶►]|[A-Z](?=\s*[\u4e00-\u9fff]))\s*")
#: "文/图", "图/文", "文图" before the credits: what the people made, not a name.
_MADE_PREFIX = re.compile(r"^(?:文\s*[/／·]?\s*图|图\s*[/／·]?\s*文)(?:\s*[：:]\s*|\s+|(?=本报|记者|通讯员))")
#: ... or after them: "本报记者 张三 通讯员 李四 文/图".
_MADE_SUFFIX = re.compile(r"\s+(?:文\s*[/／·]?\s*图|图\s*[/／·]?\s*文)$")
#: One name with what the person made: "秦颖/文", "张志嵩/图", "李四 摄".
_NAME_MADE = re.compile(rf"^({NAME})\s*(?:[/／]\s*([文图])|(摄))$")
_NOT_BYLINE = re.compile(r"[。，；！？!?,;：:“”\d]")


#: "文/图" (or "图/文") anywhere in a byline: the person named wrote the text and took the photos.
WORDS_AND_PICTURES = re.compile(r"文\s*[/／·]\s*图|图\s*[/／·]\s*文")


def byline_credits(text: str) -> list[Credit] | None:
    """Credits of a byline line ("本报记者 石 磊", "□晚报记者 张三", "实习生 李四 记者 王五",
    "□记者 赵六/文", "钱七/图", "本报评论员"), or None when the line is not one.

    A byline is nothing but credits: role words, organisations and names, so every piece between
    two role words must read as names. Without an organisation or a mark before it, a role word
    must be followed by a space ("记者 张三"): "记者了解到" is the start of a sentence.
    """
    text = text.replace("\n", "").strip()
    flat = "".join(text.split())
    if not 2 <= len(flat) <= 50 or _NOT_BYLINE.search(flat):
        return None
    mark = _BYLINE_MARK.match(text)
    if mark:
        text = text[mark.end() :]
    made = _MADE_PREFIX.match(text)
    if made:
        text = text[made.end() :]
    made_after = _MADE_SUFFIX.search(text)
    if made_after:
        text = text[: made_after.start()]
        made = made or made_after
    roles = list(_BYLINE_ROLE.finditer(text))
    if not roles:
        return _made_names(text)
    credits: list[Credit] = []
    head = text[: roles[0].start()].strip()
    for index, role_match in enumerate(roles):
        role_word = re.sub(r"\s", "", role_match.group(1))
        role = _BYLINE_ROLE_MAP[role_word]
        end = roles[index + 1].start() if index + 1 < len(roles) else len(text)
        names_text = text[role_match.end() : end]
        prefixed = role_match.group(0) != role_match.group(1) or bool(mark) or bool(made)
        if head and role_word in _ROLE_AFTER_NAMES and index == 0:
            named = _names_only(head, role)
            if named is None:
                return None
            credits.extend(named)
            head = ""
        if head:
            return None
        named = _names_only(names_text, role)
        if named is None:
            return None
        if named and not prefixed and not names_text[:1].isspace():
            return None  # "记者了解到": a role word run into the next word
        if not named and role_word not in ("评论员", *_ROLE_AFTER_NAMES):
            return None
        credits.extend(named)
    return _unique(credits)


#: Where the last sentence of a body ends: a credit glued after it is printed after this.
_LAST_SENTENCE_END = re.compile(r"[。！？!?][”’」』]?(?=[^。！？!?]*$)")


#: A credit glued after a body's last sentence is at most this long.
GLUED_CREDIT_MAX = 30
#: What any byline holds: a role word or a made-by mark (lines without one are no credit).
_CREDIT_WORD = re.compile(r"记|通\s*讯|实\s*习|评\s*论|主\s*持|撰\s*稿|[/／]\s*[文图]")


def glued_credit(text: str) -> tuple[int, list[Credit]] | None:
    """A byline printed after a body's last sentence on the same line ("…注意安全。 本报记者 张三"):
    (where it starts in ``text``, its credits), or None."""
    # the last sentence end is near the text's end: only the last stretch is searched for it
    window = max(0, len(text) - GLUED_CREDIT_MAX - 2)
    match = _LAST_SENTENCE_END.search(text, window)
    if match is None:
        return None
    tail = text[match.end() :]
    if not tail.strip() or len(tail.strip()) > GLUED_CREDIT_MAX or not _CREDIT_WORD.search(tail):
        return None
    credits = byline_credits(tail)
    if not credits:
        return None
    return match.end() + len(tail) - len(tail.lstrip()), credits


def _made_names(text: str) -> list[Credit] | None:
    """ "赵六/文 钱七/图": names each marked with what the person made, and nothing else."""
    credits = []
    for token in re.split(r"\s{2,}|\s(?=[\u4e00-\u9fff]{2,4}\s*[/／])", text.strip()):
        match = _NAME_MADE.match(token.strip())
        if match is None:
            return None
        credits.append(Credit(match.group(1), "摄影" if match.group(2) == "图" or match.group(3) else "记者"))
    return credits or None


def _names_only(text: str, role: str) -> list[Credit] | None:
    """The names of ``text`` with ``role`` (a name marked "/图" is the photographer), or None when
    anything but names stands there."""
    credits: list[Credit] = []
    for part in re.split(r"[、，,]", text.strip()):
        part = part.strip()
        if not part:
            continue
        pieces = re.split(r"\s*[/／]\s*([文图])(?=\s|$)", part)
        for at in range(0, len(pieces), 2):
            chunk = pieces[at]
            made = pieces[at + 1] if at + 1 < len(pieces) else None
            if chunk.strip().endswith("报道"):
                chunk = chunk.strip().removesuffix("报道")
            if re.search(r"[^\u3400-\u9fff\s]", chunk):
                return None
            names = split_names(chunk)
            if chunk.strip() and not names:
                return None
            for name in names:
                credits.append(Credit(name, "摄影" if made == "图" else role))
    return credits


#: Credit forms of other papers and agencies (whitespace-free), each naming the photographer in a
#: group called "name" when it names one: "张三摄（某某视觉）", "新华社发（李四摄）",
#: "新华社记者王五摄", "张三摄影报道", "某某日报全媒体记者/赵六通讯员/钱七摄", "拍摄者：本报记者孙八",
#: and sources that name none: "某中心供图", "受访者供图", "视频截图", "资料图片", "新华社发".
_AGENCY_NOTE = r"(?:[（(][\u4e00-\u9fff]{2,10}[）)])?"
_ROLE_OF_ORG = rf"[{H}]{{0,10}}?(?:报社?|社|台|网|中心|全媒体|融媒体)?(?:特约)?(?:摄影记者|记者|通讯员|摄影)[/／]?"
_ORG_ROLE = rf"(?:{_ROLE_OF_ORG})?"
PHOTO_CREDIT_FORMS = (
    re.compile(rf"^[（(]?(?P<name>{NAME})(?:[、，]{NAME}){{0,2}}摄(?:影报道|影)?[）)]?{_AGENCY_NOTE}$"),
    re.compile(
        rf"^[（(]?{_ORG_ROLE}(?P<name>{NAME})(?:(?:{_ROLE_OF_ORG}|[、，]){NAME}){{0,2}}摄(?:影报道|影)?[）)]?{_AGENCY_NOTE}$"
    ),
    re.compile(rf"^(?:{_AGENCIES})(?:记者)?发[（(](?:记者)?(?P<name>{NAME})(?:、{NAME})?摄[）)]$"),
    re.compile(rf"^(?:拍摄者|摄影|摄)[：:]{_ORG_ROLE}(?P<name>{NAME})$"),
    re.compile(
        rf"^[（(]?(?:[\u4e00-\u9fff]{{2,16}}?供图|视频截图|资料(?:图片|照片)|网络图片|(?:{_AGENCIES})发)[）)]?$"
    ),
)


#: A credit printed before its caption, as photo-news boxes do: "拍摄者：本报记者 孙八" (whitespace-free).
CREDIT_FIRST = re.compile(r"^(?:拍摄者|摄影)[：:]")


def photo_credit(flat: str) -> tuple[bool, str | None]:
    """Is this whole (whitespace-free) text a photo credit, and whom does it name?"""
    if not 2 <= len(flat) <= CREDIT_MAX:
        return False, None
    for form in PHOTO_CREDIT_FORMS:
        match = form.match(flat)
        if match is None:
            continue
        name = match.groupdict().get("name")
        if name is not None and (name.endswith("拍") or any(word in name for word in _NOT_IN_NAME)):
            continue  # "会议拍摄" is a verb, "记者王五" a role and a name
        return True, name
    return False, None


#: Words that stand where a name would but name nobody ("读者  张三": a reader who signs a letter).
NOT_NAMES = frozenset({"读者", "网友", "市民", "群众", "编者", "来信", "记者", "通讯员", "作者", "本报"})
#: Words a photographer's name never holds: the role words a credit prints around it.
_NOT_IN_NAME = ("记者", "通讯员", "摄影", "本报", "特约")


#: Where a sentence ends inside a caption: a credit glued after the last one stands after it.
_CAPTION_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]?")


def trailing_photo_credit(text: str) -> int | None:
    """Where a photo credit glued after a caption's last sentence starts in ``text`` (newlines removed,
    spaces kept), or None: "…完成合龙。  张三摄（某某视觉）", "…收获山药。新华社发（李四摄）"."""
    text = text.rstrip()
    ends = [match.end() for match in _CAPTION_SENTENCE_END.finditer(text)]
    for end in reversed(ends[-3:]):
        tail = text[end:]
        flat = "".join(tail.split())
        if not flat:
            continue
        if photo_credit(flat)[0] or is_photo_credit(flat):
            return end + len(tail) - len(tail.lstrip())
        break
    return None


#: No photo credit is longer than this (whitespace-free).
CREDIT_MAX = 32


#: A person's name printed alone under a headline: "张三丰", "李  四", "某市某区  王  五" (as printed).
BARE_NAME = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff](?:\s+[\u4e00-\u9fff]){1,2}"
    r"|[\u4e00-\u9fff]{2,12}\s{2,}[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){1,3})$"
)


def is_photo_credit(flat: str) -> bool:
    """A whole (whitespace-free) text that credits a photo: "本报记者钱多多摄", "（资料图片）"."""
    if len(flat) > CREDIT_MAX or PAGE_CREDIT.match(flat) or PAGE_SOURCE.match(flat):
        return False
    # PHOTO_CREDIT backtracks a lot on a line of plain text; a credit always holds 摄
    if len(flat) <= 24 and (("摄" in flat and PHOTO_CREDIT.match(flat)) or PHOTO_SOURCE.match(flat)):
        return True
    return photo_credit(flat)[0]


#: Trailing credit "（林间）", "（石磊 何方舟）" (spaces kept: they separate the names).
TRAILING = re.compile(rf"[（(]\s*([{H}][{H}\s、]{{0,24}}[{H}])\s*[）)]$")


def merge_fragments(tokens: list[str]) -> list[str]:
    """Rejoin names the extractor letter-spaced: one-character tokens belong together or to a neighbour."""
    tokens = [token for token in tokens if token]
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1:
            run = token
            while i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
                i += 1
                run += tokens[i]
            if len(run) == 1 and i + 1 < len(tokens):
                i += 1
                run += tokens[i]
            elif len(run) == 1 and merged:
                merged[-1] += run
                run = ""
            token = run
        if token:
            merged.append(token)
        i += 1
    return merged


def split_names(text: str) -> list[str]:
    """Names in a credit fragment: separated by 、，, or by spaces between multi-character parts."""
    text = text.replace("\n", "")
    names: list[str] = []
    for part in re.split(r"[、，,；;/]", text):
        tokens = merge_fragments(part.split())
        for token in tokens:
            token = "".join(ch for ch in token if is_cjk(ch))
            if 2 <= len(token) <= 4:
                names.append(token)
            elif len(token) == 6:
                # two names printed without a separator: three characters each is by far the likeliest
                # split (two-character names pair with four-character ones only rarely)
                names.extend([token[:3], token[3:]])
            elif len(token) > 4 and len(tokens) == 1 and len(token) % 2 == 0 and len(token) <= 8:
                # other glued names are ambiguous; keep the text as one name rather than guess
                names.append(token)
    return names


def parse_roles(text: str, default_role: str = "作者") -> list[Credit]:
    """Credits in "记者马小跳 通讯员林间" / "记 者马小跳、何方舟" (newlines removed, spaces kept)."""
    text = re.sub(r"\s*[/／]\s*(?:文|图|摄)(?=$|[\s、，,])", "", text.replace("\n", ""))
    credits: list[Credit] = []
    matches = list(_ROLE.finditer(text))
    if not matches:
        return [Credit(name, default_role) for name in split_names(text)]
    head = text[: matches[0].start()]
    credits.extend(Credit(name, default_role) for name in split_names(head))
    for index, match in enumerate(matches):
        role = _ROLE_MAP.get(re.sub(r"\s", "", match.group(3)), default_role)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        credits.extend(Credit(name, role) for name in split_names(text[match.end() : end]))
    return _unique(credits)


def _unique(credits: list[Credit]) -> list[Credit]:
    seen: set[tuple[str, str]] = set()
    out = []
    for credit in credits:
        key = (credit.name, credit.role)
        if key not in seen:
            seen.add(key)
            out.append(credit)
    return out


def trailing_credits(text: str) -> list[Credit] | None:
    """Credits of a trailing credit ending ``text``: "（石磊 何方舟）" (authors), "（本报记者 张三）", or None."""
    text = text.rstrip()
    if not text.endswith(("）", ")")):
        return None  # TRAILING ends with the closing bracket; searching a text without one scans it all
    match = TRAILING.search(text)
    if not match:
        return None
    inner = match.group(1)
    credits = parse_roles(inner, "作者")
    if not credits or len(credits) > 4 or any(len(credit.name) > 4 for credit in credits):
        return None
    return credits


def trailing_names(text: str) -> list[str] | None:
    """Names of a trailing credit ending ``text``, or None."""
    credits = trailing_credits(text)
    return [credit.name for credit in credits] if credits else None


def photographer_of(credit: str) -> str | None:
    """The (first) name in a photo credit ("本报记者 钱多多 摄" -> 钱多多, "林 间 摄" -> 林间)."""
    text = credit.replace("\n", "").strip().rstrip("）)").rstrip()
    flat = re.sub(r"\s", "", credit)
    if PHOTO_SOURCE.match(flat):
        return None
    known, name = photo_credit(flat)
    if known:
        return name
    text = re.sub(r"摄\s*影?$", "", text).rstrip()
    # an inline credit keeps the caption before it: the credit is what follows the last sentence end
    for mark in "。！？”」）)":
        text = text.rsplit(mark, 1)[-1]
    text = re.sub(rf"^[（(]?(?:{_AGENCIES})?", "", text.strip())
    credits = parse_roles(text, "摄影")
    return credits[0].name if credits else None
