"""Create the editor and reviewer groups, and staff accounts in them.

    manage.py roles                                # create or correct the two groups
    manage.py roles --editor alice --reviewer bob  # ... and make alice an editor, bob a reviewer

Run it on every deployment (it is idempotent): it sets each group's permissions to exactly the
role's, so a permission added by hand to a group is taken away again. See content/roles.py.
"""

from django.core.management.base import BaseCommand

from content.roles import EDITOR, REVIEWER, role_permissions, roles_sync


class Command(BaseCommand):
    help = "Create or correct the editor and reviewer groups, and staff accounts in them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--editor",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Make USERNAME a staff member with the editor role (repeatable).",
        )
        parser.add_argument(
            "--reviewer",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Make USERNAME a staff member with the reviewer role (repeatable).",
        )

    def handle(self, *args, editor, reviewer, **options):
        both = sorted(set(editor) & set(reviewer))
        if both:
            self.stderr.write(f"Give each account one role; both asked for: {', '.join(both)}.")
            raise SystemExit(2)
        accounts = {name: EDITOR for name in editor} | {name: REVIEWER for name in reviewer}
        done = roles_sync(accounts)
        for role in (EDITOR, REVIEWER):
            self.stdout.write(f"Group {role}: {len(role_permissions(role))} permissions.")
        for account in done:
            state = "created" if account.created else "updated"
            self.stdout.write(f"{account.username}: {account.role} ({state}).")
            if account.created:
                self.stdout.write(
                    f"  {account.username} has no password yet: "
                    f"manage.py changepassword {account.username}"
                )
