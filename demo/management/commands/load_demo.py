"""`python manage.py load_demo`: Tyresö's departments, one user per role and demo orders."""

from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoError, load_demo
from demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo data: Tyresö kommun's departments, one user per role (password "
        f"{DEMO_PASSWORD}) and orders in every state, written through the services. Idempotent: "
        "only what is missing is added, so running it again changes nothing. Never load it "
        "into a production database."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = load_demo()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.text())
