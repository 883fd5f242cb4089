"""Decoding raw bytes: encodings that must work and input that must be refused with file and line."""

from __future__ import annotations

import pytest

from importer.parsing.decoding import decode_bytes
from importer.parsing.errors import ImportInputError

TEXT = " 要闻\n本报讯（记者张三）今天上午，\n会议召开。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
)
def test_known_encodings_decode_to_the_same_text(data, encoding):
    decoded = decode_bytes(data, source="x.txt")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


def test_line_ends_are_normalised():
    assert decode_bytes(TEXT.replace("\n", "\r\n").encode(), source="x").text == TEXT
    assert decode_bytes(TEXT.replace("\n", "\r").encode(), source="x").text == TEXT


def test_form_feeds_survive_for_the_page_splitter():
    assert "\f" in decode_bytes("第一页\n\f第二页\n".encode(), source="x").text


@pytest.mark.parametrize(
    ("data", "words", "line"),
    [
        (b"", "empty", None),
        (b"  \n\t\n", "empty", None),
        (b"abc\n\x00\x01\x02binary\x00", "binary", 2),
        ("第一行\n第二行".encode()[:-1], "truncated", 2),
        (b"ok line\n\xff\xfe\xfd\xfc\xfb garbage \xff", "undecodable", 2),
        ("好\n\x07响铃".encode(), "control character", 2),
    ],
)
def test_unusable_input_names_file_and_line(data, words, line):
    with pytest.raises(ImportInputError) as caught:
        decode_bytes(data, source="dir/bad.txt")
    error = caught.value
    assert words in str(error)
    assert str(error).startswith("dir/bad.txt")
    assert error.line == line
    if line:
        assert f"dir/bad.txt:{line}:" in str(error)


def test_size_limit():
    with pytest.raises(ImportInputError, match="over the limit"):
        decode_bytes(b"x" * 100, source="big.txt", max_bytes=10)


def test_utf16_errors_count_lines_in_characters_not_bytes():
    text = "上\n上\n上\n"  # U+4E0A holds the byte 0x0A
    data = b"\xff\xfe" + text.encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate on line 4
    with pytest.raises(ImportInputError) as caught:
        decode_bytes(data, source="u16.txt")
    assert caught.value.line == 4
