"""Turn a raw file's bytes into text, or say precisely why not.

Order of attempts (measured in the team notes: strict decoders are exact and fast, detection is the
last resort): a byte-order mark (UTF-8, UTF-16), strict UTF-8, strict GB18030 (a superset of GBK and
GB2312), then charset-normalizer. Line ends are normalised to "\\n" so page offsets do not depend on
the platform that wrote the file. Anything else is an :class:`ImportInputError` that names the file
and the line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from .errors import ImportInputError

#: Control characters a text file may legitimately hold (tab, line feed, form feed, carriage return).
_ALLOWED_CONTROLS = frozenset("\t\n\f\r")

#: Share of CJK/printable characters a fallback decoding must reach before we believe it.
_MIN_PLAUSIBLE = 0.97


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def _line_of(data: bytes, offset: int, encoding: str = "utf-8") -> int:
    """Line number of a byte offset: the text before it, decoded leniently, counted in line breaks.

    Counting 0x0A bytes would be wrong for UTF-16, where characters such as U+4E0A contain that byte.
    """
    before = data[:offset].decode(encoding, errors="ignore")
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Characters a text file should not contain: the C0 controls except ``_ALLOWED_CONTROLS`` (tab, line
#: feed, form feed, carriage return), DEL, and the replacement character of a lenient decoder.
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _bad_control(text: str) -> int | None:
    """Index of the first control character a text file should not contain, if any.

    One compiled search runs over the text in C; a Python loop over every character cost more than
    the rest of decoding together.
    """
    match = _BAD_CONTROL.search(text)
    return match.start() if match else None


def _plausible(text: str) -> bool:
    """Does a fallback decoding read like text (not mojibake or private-use garbage)?"""
    if not text:
        return False
    good = 0
    for char in text:
        category = unicodedata.category(char)
        if (category[0] in "LNPSZ" and category not in ("Co", "Cn")) or char in _ALLOWED_CONTROLS:
            good += 1
    return good / len(text) >= _MIN_PLAUSIBLE


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (line ends at least) put their NUL byte on one side only."""
    if len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if min(even_nuls, odd_nuls) * 2 >= max(even_nuls, odd_nuls):
        return None
    codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _plausible(text) else None


def check_size(size: int, *, max_bytes: int | None, source: str) -> None:
    """Refuse a file over the configured limit (before anything reads it whole, where callers can)."""
    if max_bytes is not None and size > max_bytes:
        raise ImportInputError(f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes", source=source)


def decode_bytes(data: bytes, *, source: str, max_bytes: int | None = None) -> DecodedText:
    """Decode a raw issue file; raise :class:`ImportInputError` naming the file and line when it is unusable."""
    check_size(len(data), max_bytes=max_bytes, source=source)
    if not data.strip():
        raise ImportInputError("file is empty (no text to import)", source=source)

    text: str | None = None
    encoding = ""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise ImportInputError(
                f"undecodable bytes for {encoding} at byte {error.start}: {error.reason}",
                source=source,
                line=_line_of(data, error.start, encoding),
                offset=error.start,
            ) from error
    elif b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            offset = data.index(b"\x00")
            raise ImportInputError(
                f"binary file (NUL byte at byte {offset}), not a text file",
                source=source,
                line=_line_of(data, offset),
                offset=offset,
            )
        encoding = "utf-16"
    else:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data" and error.end >= len(data.rstrip()) - 1:
                raise ImportInputError(
                    "truncated UTF-8: the file ends in the middle of a character",
                    source=source,
                    line=_line_of(data, error.start),
                    offset=error.start,
                ) from error
            text, encoding = _fallback(data)
            if text is None:
                raise ImportInputError(
                    f"undecodable bytes at byte {error.start}: not UTF-8, GB18030 or another known encoding",
                    source=source,
                    line=_line_of(data, error.start),
                    offset=error.start,
                ) from error

    bad = _bad_control(text)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        raise ImportInputError(
            f"binary or corrupt content: control character U+{ord(text[bad]):04X} in {encoding} text",
            source=source,
            line=line,
        )
    text = _normalise_newlines(text)
    if not text.strip():
        raise ImportInputError("file is empty (only white space)", source=source)
    return DecodedText(text=text, encoding=encoding)


#: Encodings a Chinese newspaper's text may come in, for the detector (GB18030 is tried before it).
_DETECTABLE = ["big5", "big5hkscs", "gb2312", "gbk", "gb18030", "hz", "utf_16", "utf_32", "cp950", "cp936"]


def _mostly_chinese(text: str) -> bool:
    """A newspaper page decoded right is mostly Han characters; Latin mojibake is not."""
    visible = [char for char in text if not char.isspace()]
    if not visible:
        return False
    han = sum(1 for char in visible if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")
    return han / len(visible) >= 0.3


def _fallback(data: bytes) -> tuple[str | None, str]:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text) and _mostly_chinese(text):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_DETECTABLE).best()
    if best is not None:
        candidate = str(best)
        if _plausible(candidate) and _mostly_chinese(candidate):
            return candidate, best.encoding
    return None, ""
