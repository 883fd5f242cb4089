"""``manage.py create_editor [USERNAME]``: an admin login in the Editors group, its password printed once."""

from __future__ import annotations

import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from articles.permissions import ensure_editors_group


class Command(BaseCommand):
    help = "Create an editor login (staff, in the Editors group) and print its generated password once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="editor")
        parser.add_argument("--reset-password", action="store_true", help="give an existing editor a new password")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        User = get_user_model()
        group = ensure_editors_group(apps)
        user, created = User.objects.get_or_create(username=options["username"], defaults={"is_staff": True})
        if not created and not options["reset_password"]:
            self.stdout.write(
                f"Editor {user.username!r} exists already; its password was printed when it was created "
                f"(use --reset-password for a new one)."
            )
            return
        password = secrets.token_urlsafe(12)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(group)
        self.stdout.write(f"Editor login for /admin/: username {user.username!r} password {password!r}")
