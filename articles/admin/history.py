"""History diffs that show the whole change: text in full, bodies as a paragraph-level diff.

simple-history shortens long values in the middle ("开头[812 chars]结尾"), so the paragraph an editor changed
is exactly what the history page does not show.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.db.models import CharField, TextField
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")


def paragraphs(text: str) -> list[str]:
    """A body's paragraphs (separated by a blank line); an empty text has none."""
    return [part for part in PARAGRAPH_BREAK.split(text or "") if part.strip()]


def paragraph_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(tag, paragraph)`` pairs in reading order: tag is "same", "removed" or "added"."""
    before, after = paragraphs(old), paragraphs(new)
    rows: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(("same", text) for text in before[i1:i2])
            continue
        rows.extend(("removed", text) for text in before[i1:i2])
        rows.extend(("added", text) for text in after[j1:j2])
    return rows


ROW_HTML = {
    "same": '<p class="diff-same" style="margin:0 0 .5em;white-space:pre-wrap">{}</p>',
    "removed": '<p class="diff-removed" style="margin:0 0 .5em;white-space:pre-wrap;background:#fdd"><del>{}</del></p>',
    "added": '<p class="diff-added" style="margin:0 0 .5em;white-space:pre-wrap;background:#dfd"><ins>{}</ins></p>',
}


def paragraph_diff_html(old: str, new: str) -> SafeString:
    rows = paragraph_diff(old, new)
    return format_html(
        '<div class="paragraph-diff">{}</div>',
        format_html_join("", "{}", ((format_html(ROW_HTML[tag], text),) for tag, text in rows)),
    )


class ParagraphDiffContextHelper(HistoricalRecordContextHelper):
    """Values in full (never shortened); text fields also get ``diff``, a paragraph-level diff."""

    def context_for_delta_changes(self, delta) -> list[dict[str, Any]]:
        context = super().context_for_delta_changes(delta)
        for entry, change in zip(context, delta.changes, strict=True):
            field = self.model._meta.get_field(change.field)
            if isinstance(field, TextField | CharField) and (change.old or change.new):
                entry["diff"] = paragraph_diff_html(change.old or "", change.new or "")
        return context

    def stringify_delta_change_values(self, change, old, new) -> tuple[SafeString, SafeString]:
        def text(value: Any) -> str:
            if value is None or (isinstance(value, DeletedObject) and value.pk is None):
                return "—"  # simple-history shows an empty foreign key as "Deleted … (pk=None)"
            if isinstance(value, list):
                return f"[{', '.join(map(str, value))}]"
            return str(value)

        return conditional_escape(text(old)), conditional_escape(text(new))
