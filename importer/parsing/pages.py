"""Pages and page furniture: where a page starts, and what its header says.

A page starts at a line that begins with exactly one space (the extractor's page marker) or with a
form feed. Page texts are kept verbatim so that their concatenation is the whole file; text before
the first marker belongs to page 1, and a trailing page holding only white space is folded into the
page before it.

Headers such as "SOMECITY DAILY" / "B03│县区新闻2024年5月8日 星期三" / "■新闻热线：…│■编辑：石磊│校对：…"
give the page number, section, date, paper and staff. They may sit in the middle of a page's text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .profiles import MASTHEADS

#: Chinese names of papers whose pages carry only their English masthead come from the paper profiles
#: (:mod:`.profiles`); any other English masthead is recognised too and kept as printed.
#: An English masthead line ("XINXIANG DAILY", "PEOPLE'S DAILY", "MORNING POST") with white space
#: removed: capitals ending in a word papers are named with.
_EN_MASTHEAD = re.compile(
    r"^[A-Z][A-Z'’.\-]{1,30}(DAILY|NEWS|POST|TIMES|EVENING|HERALD|JOURNAL|TRIBUNE|GAZETTE|EXPRESS|WEEKLY|STAR)$"
)
#: A Chinese paper's name standing alone ("某某日报", "某某晚报", "某某快报").
_CN_PAPER = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:日报|晚报|晨报|快报|商报|时报|都市报|周报|导报)$")
#: A line that holds nothing but a page number, possibly with the page's section after it: "A03",
#: "05", "11/05", "第1版 要闻", "14  生态", "B2". Only next to a page's other header lines is it a header.
PAGE_NUMBER_LINE = re.compile(r"^(?:[A-Z]{1,2}\d{1,2}|\d{1,2}(?:/\d{1,2})?|第\d{1,2}版)(?:\s+\S{1,10})?$")
#: A header line opening with a bare page number set apart by spaces ("05  县域  …", as printed).
_BARE_PAGE_HEADER = re.compile(r"^\d{1,2}\s{2,}\S")
#: An issue number line ("总第1658期  今日4版").
_ISSUE_NUMBER = re.compile(r"^总第\d+期")

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_WEEKDAY = r"(?:星期[一二三四五六日天]|周[一二三四五六日天])"
DATE_LINE = re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日{_WEEKDAY}?(?:农历[\u4e00-\u9fff]{{2,8}})?$")
_SEPARATORS = "│|｜丨"
#: A page number such as "A08" (or "第8版") standing at the start of the line or between separators.
_PAGE_NO = re.compile(r"(?:^|[│|｜丨])([A-Z]{1,2}\d{1,2}|第\d{1,2}版)(?=[│|｜丨\u4e00-\u9fff]|$)")
_STAFF_ROLE = r"(?:责任编辑|编辑|责编|校对|组版|美编|版式|审校|值班编辑)"
#: A staff credit "编辑：张三" (whitespace-free: a name ends where the next role, a mark or the line does).
_STAFF = re.compile(rf"({_STAFF_ROLE})[：:]\s*([\u4e00-\u9fff]{{2,4}}?)(?={_STAFF_ROLE}|[^\u4e00-\u9fff]|$)")
#: Staff printed without colons: "编辑 张三 校对 李四" (raw text, spaces kept).
_STAFF_SPACED = re.compile(r"(责任编辑|编辑|责编|校对|组版|美编|版式)\s+([\u4e00-\u9fff]{2,4})(?=\s|$)")
#: What any header line holds: a capital (an English masthead, a page number such as "A08"), 第 and a
#: digit ("第8版"), a colon (staff lines), 新闻热线, or a 日报/晚报 name at its end. Every line of a page
#: is asked whether it is a header; one search turns the many lines without any of these away.
_HEADER_HINT = re.compile(r"[A-Z：:]|第\d|新闻热线|报$|编辑|校对")


#: The line break before a page's first line, a line starting with a form feed or exactly one space:
#: every break ``str.splitlines`` knows, a carriage return only when no line feed follows it (a CR LF
#: is one break). One search over the text finds the pages without listing its lines.
_LINE_BREAKS = "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_PAGE_START = re.compile(rf"(?:\r(?!\n)|[{_LINE_BREAKS}])(?=\f| (?! ))")


@dataclass
class PageInfo:
    """What a page's furniture lines state."""

    number: str | None = None
    section: str | None = None
    date: dt.date | None = None
    paper: str | None = None
    staff: dict[str, str] = field(default_factory=dict)


def split_pages(text: str) -> list[tuple[int, str]]:
    """(offset, raw text) of each page; the concatenation of the raw texts is ``text``."""
    starts = [0, *[match.end() for match in _PAGE_START.finditer(text)]]
    pages = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        pages.append((start, text[start:end]))
    # a page of white space only is no page: fold it into the page before
    folded: list[tuple[int, str]] = []
    for start, raw in pages:
        if folded and not raw.strip():
            folded[-1] = (folded[-1][0], folded[-1][1] + raw)
        else:
            folded.append((start, raw))
    # leading white-space-only pages (cannot be folded backwards) join the next page
    while len(folded) > 1 and not folded[0][1].strip():
        folded[1] = (folded[0][0], folded[0][1] + folded[1][1])
        folded.pop(0)
    return folded


def parse_date(text: str) -> dt.date | None:
    match = _DATE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def is_date_line(flat: str) -> bool:
    return bool(DATE_LINE.match(flat))


def header_kind(flat: str, text: str | None = None) -> str | None:
    """Which header line this is ("paper", "page", "staff"), from its whitespace-free text (and its
    text as printed, when given: staff names separated by spaces only)."""
    if not _HEADER_HINT.search(flat):
        return None
    if _EN_MASTHEAD.match(flat) or _CN_PAPER.match(flat):
        return "paper"
    page_no = _PAGE_NO.search(flat)
    if page_no and len(flat) <= 50 and (_DATE.search(flat) or any(sep in flat for sep in _SEPARATORS)):
        return "page"
    if _ISSUE_NUMBER.match(flat) and len(flat) <= 20:
        return "page"
    if text is not None and _BARE_PAGE_HEADER.match(text) and _DATE.search(flat):
        return "page"  # "05  县域  2026年4月2日 星期四": a bare page number set apart, and a date
    if _DATE.match(flat) and _STAFF.search(flat) and len(flat) <= 50:
        return "staff"  # "2026年4月5日 星期日  编辑：张三"
    if len(_STAFF.findall(flat)) >= 2 or (_STAFF.match(flat) and len(flat) <= 12):
        return "staff"
    if text is not None and len(_STAFF_SPACED.findall(text)) >= 2 and len(flat) <= 30:
        return "staff"
    if "新闻热线" in flat and len(flat) < 80 and not any(mark in flat for mark in "，。；"):
        return "staff"
    return None


def read_header(flat: str, info: PageInfo, text: str | None = None) -> None:
    """Fill ``info`` from one header line (whitespace-free text, and as printed when given)."""
    kind = header_kind(flat, text)
    if kind is None and is_date_line(flat):
        info.date = info.date or parse_date(flat)
        return
    if kind is None and PAGE_NUMBER_LINE.match(text or flat):
        number, _, section = (text or flat).partition(" ")
        info.number = info.number or number
        if section.strip() and not info.section:
            info.section = "".join(section.split())
        return
    if kind == "paper":
        info.paper = info.paper or MASTHEADS.get(flat, flat)
    elif kind == "page":
        match = _PAGE_NO.search(flat)
        if match is None:
            if text is not None and _BARE_PAGE_HEADER.match(text):
                number, *rest = text.split()
                info.number = info.number or number
                info.date = info.date or parse_date(flat)
                if rest and 1 <= len(rest[0]) <= 8 and not _DATE.match(rest[0]) and not info.section:
                    info.section = rest[0]
                for role, name in _STAFF.findall(flat):
                    info.staff.setdefault({"责编": "编辑"}.get(role, role), name)
            return
        info.number = info.number or match.group(1)
        info.date = info.date or parse_date(flat)
        rest = flat[: match.start()] + "│" + flat[match.end() :]
        rest = re.sub(rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日{_WEEKDAY}?(?:农历[\u4e00-\u9fff]{{2,8}})?", "│", rest)
        parts = [part for part in re.split(r"[│|｜丨]+", rest) if part]
        if parts and 2 <= len(parts[0]) <= 12 and not info.section:
            info.section = parts[0]
    elif kind == "staff":
        info.date = info.date or parse_date(flat)
        for role, name in _STAFF.findall(flat) or _STAFF_SPACED.findall(text or ""):
            role = {"责编": "编辑"}.get(role, role)
            info.staff.setdefault(role, name)
