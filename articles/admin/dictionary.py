"""The word dictionary: editors add, change and remove words jieba must keep whole, through the services of
``articles.dictionary``; after each save the admin says how many articles were re-tokenised and lists them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import dictionary
from ..models import Article, DictionaryWord
from .base import ServiceHistoryAdmin, VersionCheckedForm, _link, admin_change_reason, changed_against_stored

#: Re-tokenised articles named in the message after a save (the word's page lists up to 100).
LISTED_IN_MESSAGE = 20


class DictionaryWordForm(VersionCheckedForm):
    class Meta:
        model = DictionaryWord
        fields = ["word", "frequency", "part_of_speech", "note"]

    def clean_word(self):
        try:
            return dictionary.dictionary_clean_word(self.cleaned_data["word"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(DictionaryWord)
class DictionaryWordAdmin(ServiceHistoryAdmin):
    form = DictionaryWordForm
    list_display = ["word", "frequency", "part_of_speech", "retokenised_count", "updated_by", "updated_at"]
    search_fields = ["word", "note"]
    fields = [
        "word",
        "frequency",
        "part_of_speech",
        "note",
        "expected_version",
        "retokenised",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = ["retokenised", "created_by", "created_at", "updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        """Adding, editing and reverting from history all go through the services: they re-tokenise."""
        if not change or not DictionaryWord.objects.filter(pk=obj.pk).exists():
            result = dictionary.dictionary_word_add(
                word=form.cleaned_data["word"],
                frequency=form.cleaned_data.get("frequency"),
                part_of_speech=form.cleaned_data.get("part_of_speech") or "",
                note=form.cleaned_data.get("note") or "",
                user=request.user,
            )
            obj.pk = result.word.pk
        else:
            data = changed_against_stored(form, dictionary.EDITABLE_WORD_FIELDS)
            if not data:
                return
            result = dictionary.dictionary_word_update(
                dictionary_word=obj,
                user=request.user,
                data=data,
                expected_version=form.cleaned_data.get("expected_version"),
                change_reason=admin_change_reason(request),
            )
        obj.refresh_from_db()
        self._report(request, result)

    def delete_model(self, request, obj):
        self._report(request, dictionary.dictionary_word_remove(dictionary_word=obj, user=request.user))

    def delete_queryset(self, request, queryset):
        for word in queryset:
            self._report(request, dictionary.dictionary_word_remove(dictionary_word=word, user=request.user))

    def _report(self, request, result: dictionary.DictionaryChange) -> None:
        """ "N 篇稿件已重新分词" with links to the first of them."""
        count = result.count
        text = ngettext("%(count)d article re-tokenised", "%(count)d articles re-tokenised", count) % {"count": count}
        links = format_html_join(
            ", ", "{}", ((_link(Article(pk=a.id), a.headline),) for a in result.articles[:LISTED_IN_MESSAGE])
        )
        more = "…" if count > LISTED_IN_MESSAGE else ""
        self.message_user(
            request,
            format_html('<span class="retokenised">{}</span>{}{}{}', text, ": " if count else "", links, more),
            messages.SUCCESS,
        )

    @admin.display(description=_("articles re-tokenised by the last save"))
    def retokenised(self, word: DictionaryWord) -> str:
        if not word.pk:
            return "—"
        count = ngettext("%(count)d article", "%(count)d articles", word.retokenised_count) % {
            "count": word.retokenised_count
        }
        listed = format_html_join(
            "", "<div>{}</div>", ((_link(Article(pk=pk), headline),) for pk, headline in word.retokenised_articles)
        )
        more = word.retokenised_count - len(word.retokenised_articles)
        tail = format_html("<div>{}</div>", gettext("… and %(more)d more") % {"more": more}) if more > 0 else ""
        return format_html("<div><strong>{}</strong></div>{}{}", count, listed, tail)
