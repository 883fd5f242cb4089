"""History rows keep their change reason as the services wrote it, in English (it is data, and tests and
scripts read it); the history page shows it in the editor's language."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import pgettext, pgettext_lazy

from ..models import ChangeSetKind

register = template.Library()

#: Every fixed change reason the services and the admin store, with its label.
CHANGE_REASONS = {
    "added": pgettext_lazy("change reason", "added"),
    "created from text": pgettext_lazy("change reason", "created from text"),
    "credit added": pgettext_lazy("change reason", "credit added"),
    "credit changed": pgettext_lazy("change reason", "credit changed"),
    "credit removed": pgettext_lazy("change reason", "credit removed"),
    "credits or photos edited": pgettext_lazy("change reason", "credits or photos edited"),
    "duplicate": pgettext_lazy("change reason", "duplicate"),
    "edited": pgettext_lazy("change reason", "edited"),
    "imported state": pgettext_lazy("change reason", "imported state"),
    "merge": pgettext_lazy("change reason", "merge"),
    "names swapped by a rename": pgettext_lazy("change reason", "names swapped by a rename"),
    "order": pgettext_lazy("change reason", "order"),
    "paragraphs moved in": pgettext_lazy("change reason", "paragraphs moved in"),
    "paragraphs moved out": pgettext_lazy("change reason", "paragraphs moved out"),
    "photo moved": pgettext_lazy("change reason", "photo moved"),
    "removed": pgettext_lazy("change reason", "removed"),
    "renamed": pgettext_lazy("change reason", "renamed"),
    "reordered": pgettext_lazy("change reason", "reordered"),
    "reverted": pgettext_lazy("change reason", "reverted"),
    "reverted from history": pgettext_lazy("change reason", "reverted from history"),
    "split": pgettext_lazy("change reason", "split"),
    "text taken for a new article": pgettext_lazy("change reason", "text taken for a new article"),
    "text unassigned": pgettext_lazy("change reason", "text unassigned"),
    "verified": pgettext_lazy("change reason", "verified"),
    "promoted to headline": pgettext_lazy("change reason", "promoted to headline"),
    "promoted to kicker": pgettext_lazy("change reason", "promoted to kicker"),
    "promoted to subheadline": pgettext_lazy("change reason", "promoted to subheadline"),
    "headline demoted": pgettext_lazy("change reason", "headline demoted"),
    "kicker demoted": pgettext_lazy("change reason", "kicker demoted"),
    "subheadline demoted": pgettext_lazy("change reason", "subheadline demoted"),
}

ROLE_CHANGED = re.compile(r"^role (\S+) → (\S+)$")
MERGED = re.compile(r"^merged (\S+) into (\S+)$")
MERGE_REVERTED = re.compile(r"^merge of (\S+) into (\S+) reverted$")


@register.filter
def change_reason(reason: str | None) -> str:
    """The label of a stored change reason; one we do not know (an older row's) is shown as stored."""
    if not reason:
        return ""
    if reason in CHANGE_REASONS:
        return str(CHANGE_REASONS[reason])
    if reason in ChangeSetKind.values:  # the workbench's operations record their kind
        return str(ChangeSetKind(reason).label)
    if match := ROLE_CHANGED.match(reason):
        return pgettext("change reason", "role %(from)s → %(to)s") % {"from": match[1], "to": match[2]}
    if match := MERGED.match(reason):
        return pgettext("change reason", "merged %(other)s into %(kept)s") % {"other": match[1], "kept": match[2]}
    if match := MERGE_REVERTED.match(reason):
        return pgettext("change reason", "merge of %(other)s into %(kept)s reverted") % {
            "other": match[1],
            "kept": match[2],
        }
    return reason
