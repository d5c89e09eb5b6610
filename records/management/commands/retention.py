"""`manage.py retention [--dry-run]`: apply the retention schedule now, or list what it
would do."""

from django.core.management.base import BaseCommand

from records import services
from records.models import period_label


class Command(BaseCommand):
    help = "Apply the retention schedule (gallringsplan), or list what it would do."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="list what each rule would do, changing nothing")

    def handle(self, *args, **options):
        services.schedule_ensure()
        if options["dry_run"]:
            for step in services.retention_dry_run():
                rule = step.rule
                if rule.is_kept:
                    self.stdout.write(f"{rule.kind}: keep")
                    continue
                orders = f" ({step.orders} orders)" if step.orders is not None else ""
                sample = f": {', '.join(step.sample)}" if step.sample else ""
                self.stdout.write(
                    f"{rule.kind}: {rule.action} {step.count}{orders}, "
                    f"{period_label(rule.period, rule.unit)}{sample}")
            return
        for outcome in services.retention_apply():
            self.stdout.write(f"{outcome.rule.kind}: {outcome.rule.action} {outcome.count} "
                              f"in {outcome.batches} batches")
