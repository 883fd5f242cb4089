"""factory_boy factories: tests build what they need instead of relying on fixed ids."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model

from articles.models import Article, ArticleCredit, ArticleStatus, Issue, Page, Photo, Reporter
from articles.search import build_search_document
from importer.parsing import text_fingerprint


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    paper = "测试日报"
    publication_date = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
    source_name = factory.Sequence(lambda n: f"issue_{n:04d}.txt")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"issue {n}".encode()).hexdigest())


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    issue = factory.SubFactory(IssueFactory)
    index = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: f"A{n % 20 + 1:02d}")
    section = "要闻"
    raw_text = " 要闻\n正文\n"


class ReporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reporter
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"记者{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    page = factory.SubFactory(PageFactory)
    issue = factory.SelfAttribute("page.issue")
    order = factory.Sequence(lambda n: n)
    headline = factory.Sequence(lambda n: f"测试标题{n}")
    body = factory.Sequence(lambda n: f"第{n}篇测试正文。\n\n第二段。")
    kicker = ""
    subheadline = ""
    kind = "news"
    status = ArticleStatus.PUBLISHED
    publication_date = factory.LazyAttribute(lambda a: a.issue.publication_date)  # as every writer keeps it
    fingerprint = factory.LazyAttribute(lambda a: text_fingerprint(a.body))
    search_document = factory.LazyAttribute(
        lambda a: build_search_document(headline=a.headline, kicker=a.kicker, subheadline=a.subheadline, body=a.body)
    )


class ArticleCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleCredit

    article = factory.SubFactory(ArticleFactory)
    reporter = factory.SubFactory(ReporterFactory)
    role = "记者"


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    page = factory.SubFactory(PageFactory)
    issue = factory.SelfAttribute("page.issue")
    caption = factory.Sequence(lambda n: f"图片说明{n}")
