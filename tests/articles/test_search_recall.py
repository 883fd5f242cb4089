"""Recall and precision of ``q``: the API against a brute-force scan, over the seeds and the dev set.

Both are imported through the command; a few hundred queries are generated from their text (every 1-, 2- and
3-character class: Chinese, digits, Latin, punctuation, reporter names, names' boundaries, no hits, two terms,
quoted phrases) and each query's API result, all pages of it, must be exactly the articles the scan finds.

The scan is written apart from the search code: each visible article's fields (headline, kicker,
subheadline, body, each caption, each reporter name) normalised on their own (NFKC, case-folded, white
space removed); a query's terms are its space-separated words and quoted phrases, normalised the same way;
a term without a letter or digit is no term; a query without terms finds nothing; an article matches when
every term is inside one of its fields.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.conftest import SEEDS_DIR
from tests.shared_data import require_shared

pytestmark = pytest.mark.django_db


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def terms_of(query: str) -> list[str]:
    parts = re.split(r'["“”]', query)
    raw = [piece for index, part in enumerate(parts) for piece in ([part] if index % 2 else part.split())]
    return [term for term in map(normalise, raw) if any(unicodedata.category(c)[0] in "LN" for c in term)]


def brute_force(fields: dict[int, list[str]], query: str) -> set[int]:
    terms = terms_of(query)
    if not terms:
        return set()
    return {pk for pk, texts in fields.items() if all(any(term in text for text in texts) for term in terms)}


def visible_fields() -> dict[int, list[str]]:
    fields: dict[int, list[str]] = {}
    for article in Article.objects.public().prefetch_related("photos", "credits__reporter"):
        texts = [article.headline, article.kicker, article.subheadline, article.body]
        texts += [photo.caption for photo in article.photos.all()]
        texts += [credit.reporter.name for credit in article.credits.all()]
        fields[article.pk] = [normalise(text) for text in texts if text]
    return fields


def api_ids(client, query: str) -> set[int]:
    found: set[int] = set()
    page = 1
    while True:
        response = client.get("/api/articles/", {"q": query, "page_size": 200, "page": page})
        assert response.status_code == 200, (query, response.content)
        data = response.json()
        found |= {row["id"] for row in data["results"]}
        if not data.get("next"):
            return found
        page += 1


def _of_class(text: str, kind: str) -> bool:
    categories = [unicodedata.category(char) for char in text]
    if kind == "cjk":
        return all("\u4e00" <= char <= "\u9fff" for char in text)
    if kind == "digit":
        return all(category == "Nd" for category in categories)
    if kind == "latin":
        return all(char.isascii() and char.isalpha() for char in text)
    if kind == "punctuation":  # punctuation next to a searchable character
        return any(c[0] in "PS" for c in categories) and any(c[0] in "LN" for c in categories)
    raise ValueError(kind)


def generated_queries(
    fields: dict[int, list[str]], names: list[str], neighbours: list[tuple[str, str]], rng: random.Random
) -> list[str]:
    texts = [text for texts in fields.values() for text in texts]
    substrings: dict[tuple[int, str], set[str]] = {}
    for text in texts:
        for length in (1, 2, 3):
            for start in range(len(text) - length + 1):
                piece = text[start : start + length]
                for kind in ("cjk", "digit", "latin", "punctuation"):
                    if _of_class(piece, kind):
                        substrings.setdefault((length, kind), set()).add(piece)
    queries: list[str] = []
    quota = {"cjk": 45, "digit": 12, "latin": 12, "punctuation": 15}
    for (_length, kind), pieces in sorted(substrings.items()):
        queries += rng.sample(sorted(pieces), min(quota[kind], len(pieces)))
    queries += ["“", "”", "——", "，", "。", "“”", '"', "《》"]  # punctuation alone
    queries += rng.sample(names, min(20, len(names)))
    queries += [name[1:] for name in rng.sample(names, min(10, len(names))) if len(name) > 2]
    # across two names credited one after the other on an article
    queries += [a[-1] + b[0] for a, b in rng.sample(neighbours, min(15, len(neighbours)))]
    cjk = sorted(substrings[(1, "cjk")])
    misses = 0
    while misses < 15:
        candidate = "".join(rng.sample(cjk, 3))
        if not brute_force(fields, candidate):
            queries.append(candidate)
            misses += 1
    two = sorted(substrings[(2, "cjk")])
    queries += [f"{a} {b}" for a, b in (rng.sample(two, 2) for _ in range(30))]
    body_texts = [text for text in texts if len(text) > 20]
    for _ in range(20):
        text = rng.choice(body_texts)
        start = rng.randrange(len(text) - 8)
        phrase = text[start : start + rng.randint(4, 8)]
        queries.append(f'"{phrase[:2]} {phrase[2:]}"' if rng.random() < 0.5 else f"“{phrase}”")
    # the same article's words, one of them longer than the others
    for _ in range(10):
        text = rng.choice(body_texts)
        queries.append(f"{text[:2]} {text[-5:]}")
    return list(dict.fromkeys(queries))


def test_the_api_finds_exactly_what_a_brute_force_scan_finds(anon_client):
    devset = sorted(require_shared("devset").glob("*.txt"))
    assert devset, "the dev set has no raw files"
    call_command("import_issue", str(SEEDS_DIR), *map(str, devset), verbosity=0)
    fields = visible_fields()
    names = sorted(
        {name for name in Article.objects.public().values_list("credits__reporter__name", flat=True) if name}
    )
    neighbours = sorted(
        {
            pair
            for article in Article.objects.public().prefetch_related("credits__reporter")
            for pair in itertools.pairwise(credit.reporter.name for credit in article.credits.all())
        }
    )
    assert neighbours, "no article credits two reporters"
    queries = generated_queries(fields, names, neighbours, random.Random(14))
    assert len(queries) >= 300
    mismatches = {}
    with_hits = 0
    for query in queries:
        expected = brute_force(fields, query)
        got = api_ids(anon_client, query)
        with_hits += bool(expected)
        if got != expected:
            mismatches[query] = (sorted(got - expected)[:5], sorted(expected - got)[:5])
    assert not mismatches, mismatches
    assert with_hits >= 250 and with_hits < len(queries)
