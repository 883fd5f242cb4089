"""API tokens of clients (``Authorization: Token <key>``): one per user, made or rotated by an operator."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token


class UnknownUserError(LookupError):
    """No login has that name."""


@dataclass(frozen=True)
class IssuedToken:
    key: str
    created: bool  # a new token (first one, or rotated): the key must be handed to the client again


@transaction.atomic
def api_token_issue(*, username: str, rotate: bool = False) -> IssuedToken:
    """The user's token, made on first use; ``rotate`` replaces it (the old key stops working at once).

    The token authenticates as the user: an editor's token sees what the editor sees in the API."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise UnknownUserError(username)
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    return IssuedToken(key=token.key, created=created)
