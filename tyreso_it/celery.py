"""The Celery application, with every periodic task declared here in code.

The beat schedule is static (no database scheduler): scanners run often and each one sends
only what is due, claiming its work in the database so a rerun or a second scanner sends
nothing twice.
"""

import os

from celery import Celery
from celery.schedules import crontab

from tyreso_it.core.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tyreso_it.settings")

app = Celery("tyreso_it")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

OUTBOX_DRAIN_INTERVAL = float(env_int("OUTBOX_DRAIN_INTERVAL", 15))

BOARD_SCAN_INTERVAL = float(env_int("BOARD_SCAN_INTERVAL", 300))

CATALOGUE_SCAN_INTERVAL = float(env_int("CATALOGUE_SCAN_INTERVAL", 3600))

PORTFOLIO_SCAN_INTERVAL = float(env_int("PORTFOLIO_SCAN_INTERVAL", 3600))

app.conf.beat_schedule = {
    "deliver-outbox": {
        "task": "tyreso_it.core.tasks.deliver_outbox",
        "schedule": OUTBOX_DRAIN_INTERVAL,
        # A drain that could not start in time is superseded by the next one.
        "options": {"expires": OUTBOX_DRAIN_INTERVAL * 4},
    },
    # The order list's counts: fold the rows the triggers add (orders.tallies).
    "orders-compact-tallies": {
        "task": "orders.tasks.compact_tallies",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
    # Beslutsråd IT: agendas are built and frozen, and reminders sent, by scanners that send
    # only what is due and has not been sent.
    "board-scan-agendas": {
        "task": "board.tasks.scan_agendas",
        "schedule": BOARD_SCAN_INTERVAL,
        "options": {"expires": BOARD_SCAN_INTERVAL},
    },
    "board-send-due-reminders": {
        "task": "board.tasks.send_due_reminders",
        "schedule": BOARD_SCAN_INTERVAL,
        "options": {"expires": BOARD_SCAN_INTERVAL},
    },
    "board-generate-series-meetings": {
        "task": "board.tasks.generate_series_meetings",
        "schedule": 6 * 3600.0,
        "options": {"expires": 3600.0},
    },
    # Service catalogue: yearly management-plan reviews and contract notice dates. Due by the
    # day (Europe/Stockholm); hourly runs catch the day early and each reminder is sent once.
    "servicecatalog-plan-review-reminders": {
        "task": "servicecatalog.tasks.send_plan_review_reminders",
        "schedule": CATALOGUE_SCAN_INTERVAL,
        "options": {"expires": CATALOGUE_SCAN_INTERVAL},
    },
    "servicecatalog-contract-notice-reminders": {
        "task": "servicecatalog.tasks.send_contract_notice_reminders",
        "schedule": CATALOGUE_SCAN_INTERVAL,
        "options": {"expires": CATALOGUE_SCAN_INTERVAL},
    },
    # Portfolio: the dashboard's nightly snapshot (one per day; a rerun replaces the day's
    # figures) and the reminder of a missing monthly status report (each sent once).
    "portfolio-dashboard-snapshot": {
        "task": "portfolio.tasks.take_dashboard_snapshot",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 6 * 3600.0},
    },
    "portfolio-status-report-reminders": {
        "task": "portfolio.tasks.send_status_report_reminders",
        "schedule": PORTFOLIO_SCAN_INTERVAL,
        "options": {"expires": PORTFOLIO_SCAN_INTERVAL},
    },
    # Records: the retention schedule applied nightly, in batches, each logged in the
    # culling record; a rerun finds nothing left to do.
    "records-apply-retention": {
        "task": "records.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 6 * 3600.0},
    },
}
