"""``manage.py api_token USERNAME [--rotate]``: print the API token of a login, made on first use."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.tokens import UnknownUserError, api_token_issue

MSG_CREATED = "New API token for %(username)s: %(key)s"
MSG_EXISTING = "API token for %(username)s: %(key)s (--rotate replaces it)"
MSG_UNKNOWN_USER = "No user %(username)r: create the login first (manage.py create_editor NAME)."
MSG_USAGE = "Send it as the header  Authorization: Token %(key)s"


class Command(BaseCommand):
    help = "Print a login's API token (made on first use); --rotate replaces it, the old one stops working."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace the token (the old key stops working)")

    def handle(self, *args, **options) -> None:
        username = options["username"]
        try:
            issued = api_token_issue(username=username, rotate=options["rotate"])
        except UnknownUserError as error:
            raise CommandError(MSG_UNKNOWN_USER % {"username": username}) from error
        message = MSG_CREATED if issued.created else MSG_EXISTING
        self.stdout.write(message % {"username": username, "key": issued.key})
        self.stdout.write(MSG_USAGE % {"key": issued.key})
