"""The text the synthetic archive is made of: sentences, paragraph shapes and headlines of real articles,
recombined into new ones, and made-up reporters' names.

The seeds' and the dev set's articles are parsed at run time with the project's own ``importer.parsing`` and
kept in memory only (nothing of ``../shared/devset`` is written into the repository). Used by
``generate_archive.py``; not a script itself.
"""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

from importer.parsing import parse_issue

#: Made-up character lists for reporters' names: common surnames and given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力庆林春燕宁新志云飞亮鹏波斌宇浩凯健俊帆帅旭晨晓雪琳颖璐倩婷雯欣悦怡佳瑶琪然轩睿博思源泽浩昊瀚海峰岩松柏梅竹菊荷荣耀光德"  # noqa: E501
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」）)]*|[^。！？!?]+$")
DIGITS = re.compile(r"\d+")
DATE_WORDS = "年月日时点号届次期批轮"
CLAUSE_SPLIT = re.compile(r"[，。；！？、：“”（）《》\s]+")


def source_articles(seeds: Path, devset: Path) -> list:
    """Every article draft the project's parser finds in the seeds and the dev set (read here, kept nowhere)."""
    drafts = []
    for directory in (seeds, devset):
        for path in sorted(directory.glob("*.txt")):
            issue = parse_issue(path.read_text(encoding="utf-8"), source=path.name)
            drafts += [article for page in issue.pages for article in page.articles if article.body]
    return drafts


class Corpus:
    """Sentences (as jieba words), paragraph shapes and headlines of the source articles, ready to recombine."""

    def __init__(self, articles: list) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        self._expansions: dict[str, str] = {}
        sentences: set[str] = set()
        self.paragraph_sizes: list[int] = []  # sentences per paragraph, as the sources print them
        self.article_sizes: list[int] = []  # paragraphs per article
        for article in articles:
            paragraphs = [p for p in article.body.split("\n\n") if p.strip()]
            self.article_sizes.append(len(paragraphs))
            for paragraph in paragraphs:
                parts = [s for s in SENTENCE.findall("".join(paragraph.split())) if len(s) >= 6]
                self.paragraph_sizes.append(max(1, len(parts)))
                sentences.update(parts)
        self.sentences = [self.jieba.lcut(s) for s in sorted(sentences)]
        self.sentence_tokens = [self.tokens(words) for words in self.sentences]
        self.short = [s for s in self.sentences if 10 <= len("".join(s)) <= 60]
        # where each word of two or more characters stands, for splicing two sentences at a shared word
        self.at: dict[str, list[tuple[int, int]]] = {}
        for number, words in enumerate(self.sentences):
            for position, word in enumerate(words[1:-1], start=1):
                if len(word) >= 2:
                    self.at.setdefault(word, []).append((number, position))
        self.headlines = [self.jieba.lcut(a.headline) for a in articles if a.headline and len(a.headline) >= 4]
        self.headline_lengths = [len(a.headline) for a in articles if a.headline and len(a.headline) >= 4]
        clauses = {c for words in self.sentences for c in CLAUSE_SPLIT.split("".join(words))}
        self.clauses = sorted(c for c in clauses if 6 <= len(c) <= 24)
        self.clause_words = [self.jieba.lcut(c) for c in self.clauses]

    def tokens(self, words: list[str]) -> str:
        """jieba's cut_for_search of these words: each word's 2- and 3-grams in the dictionary, then the word."""
        out = []
        for word in words:
            expansion = self._expansions.get(word)
            if expansion is None:
                expansion = self._expansions[word] = " ".join(self.jieba.cut_for_search(word))
            if expansion.strip():
                out.append(expansion)
        return " ".join(out)

    def sentence(self, rng: random.Random) -> tuple[list[str], str]:
        """A sentence's words and search tokens: a source sentence, or two spliced, digits maybe redrawn."""
        number = rng.randrange(len(self.sentences))
        words = original = self.sentences[number]
        if rng.random() < 0.25 and len(words) > 3:
            position = rng.randrange(1, len(words) - 1)
            places = self.at.get(words[position])
            if places:
                other, at = rng.choice(places)
                words = words[:position] + self.sentences[other][at:]
        if rng.random() < 0.5:  # counts and amounts redrawn; dates, years and ordinals kept
            words = [
                DIGITS.sub(lambda m: str(rng.randrange(10 ** (len(m[0]) - 1), 10 ** len(m[0]))), word)
                if word.isdigit() and (following[:1] or " ") not in DATE_WORDS
                else word
                for word, following in zip(words, [*words[1:], ""], strict=True)
            ]
        if words == original:
            return words, self.sentence_tokens[number]
        return words, self.tokens(words)

    def headline(self, rng: random.Random) -> list[str]:
        target = rng.choice(self.headline_lengths) + rng.randint(-2, 2)
        if rng.random() < 0.3:
            return rng.choice(self.clause_words)
        for _ in range(8):
            head, tail = rng.sample(self.headlines, 2)
            words = head[: rng.randint(1, max(1, len(head) - 1))]
            rest = tail[rng.randint(1, max(1, len(tail) - 1)) :]
            while rest and len("".join(words)) < target:
                words.append(rest.pop(0))
            if 4 <= len("".join(words)) <= 40:
                return words
        return head


def reporter_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
