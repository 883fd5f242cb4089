"""Who wrote or photographed what: 本报讯 leads, byline lines, trailing credits, photo credits.

All patterns work on generic newspaper vocabulary (本报讯, 记者, 通讯员, 摄, □); no list of known
people drives them. Names are at most four Han characters and never keep inner spaces: the
extractor letter-spaces two-character names ("石 磊") and splits names across lines ("钱"/"多多").
"""

from __future__ import annotations

import re

from .drafts import Credit
from .textfix import is_cjk

H = r"\u3400-\u9fff"
NAME = rf"[{H}]{{2,4}}"

#: A role word as printed, allowing letter-spacing inside it ("记 者", "通 讯 员").
_ROLE = re.compile(
    r"(本\s*报\s*)?(特\s*约\s*|见\s*习\s*)?"
    r"(摄\s*影\s*记\s*者|记\s*者|通\s*讯\s*员|实\s*习\s*生|摄\s*影|作\s*者)"
)
_ROLE_MAP = {"记者": "记者", "通讯员": "通讯员", "实习生": "记者", "摄影": "摄影", "作者": "作者", "摄影记者": "摄影"}

#: "本报讯（记者马小跳 通讯员林间）" on whitespace-free text; the parenthesis is optional.
LEAD = re.compile(r"^本报讯(?:[（(]([^（）()]{0,60})[）)])?")
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
_PHOTO_ROLE = r"(?:本报|新华社|中新社)?(?:特约)?(?:摄影记者|记者|通讯员|摄影)?"
#: "（本版照片均为本报记者钱多多摄）" (whitespace-free).
PAGE_CREDIT = re.compile(
    rf"^[（(]本(?:版|期|组)(?:照片|图片|摄影)(?:均|都|皆)?(?:为|由|系)?{_PHOTO_ROLE}({NAME})摄[）)]$"
)
#: A whole credit "本报记者 钱多多 摄", "县宣 摄" (whitespace-free).
PHOTO_CREDIT = re.compile(rf"^[（(]?(?:{_PHOTO_ROLE}({NAME}(?:、{NAME}){{0,2}})){{1,3}}摄(?:影)?[）)]?$")
#: "（图片由某区委宣传部提供）", "（资料图片）": a photo's source without a photographer (whitespace-free).
PHOTO_SOURCE = re.compile(r"^[（(](?:(?:图片|照片)由?.{2,16}(?:提供|供图)|资料(?:图片|照片)|网络图片)[）)]$")
#: A credit ending a caption paragraph after its last sentence: "…的方法。林间摄" (whitespace-free).
INLINE_PHOTO_CREDIT = re.compile(rf"(?<=[。！？”」）)])[（(]?({_PHOTO_ROLE})({NAME})摄[）)]?$")
#: A credit after a space at the end of a caption: "…掌握灭火方法 林 间 摄" (newlines removed, spaces kept).
SPACED_PHOTO_CREDIT = re.compile(rf"\s[（(]?({_PHOTO_ROLE}\s*[{H}](?:\s?[{H}]){{1,3}})\s*摄[）)]?$")


def is_photo_credit(flat: str) -> bool:
    """A whole (whitespace-free) text that credits a photo: "本报记者钱多多摄", "（资料图片）"."""
    if len(flat) > 24 or PAGE_CREDIT.match(flat):
        return False
    # PHOTO_CREDIT backtracks a lot on a line of plain text; a credit always holds 摄
    return bool(("摄" in flat and PHOTO_CREDIT.match(flat)) or PHOTO_SOURCE.match(flat))


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
            elif len(token) > 4 and len(tokens) == 1 and len(token) % 2 == 0 and len(token) <= 8:
                # two names printed without a separator are ambiguous; keep the text as one name rather than guess
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
    if PHOTO_SOURCE.match(re.sub(r"\s", "", credit)):
        return None
    text = re.sub(r"摄\s*影?$", "", text).rstrip()
    # an inline credit keeps the caption before it: the credit is what follows the last sentence end
    for mark in "。！？”」）)":
        text = text.rsplit(mark, 1)[-1]
    text = re.sub(r"^[（(]?(?:新华社|中新社)?", "", text.strip())
    credits = parse_roles(text, "摄影")
    return credits[0].name if credits else None
