"""Posting admin forms as a browser would: the form's own values, and reverts from history."""

from __future__ import annotations

import json

from django.db.models import Model


def form_post_data(form, **overrides) -> dict:
    """What a browser posts for ``form`` unchanged: every field's initial value (a revert form's old state)."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        elif isinstance(value, Model):
            value = value.pk
        elif isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        data[name] = value
    data.update(overrides)
    return data


def revert(client, url: str, **extra) -> object:
    """Open a history record's revert form and press "Revert", as an editor does."""
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:500]
    return client.post(url, {**form_post_data(page.context["adminform"].form), **extra})
