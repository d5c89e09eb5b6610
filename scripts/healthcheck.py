"""Container health checks for docker-compose.yml: `python scripts/healthcheck.py CHECK...`.

web     the application answers HTTP on port 8000 (any status below 500)
worker  the Celery worker on this host answers a ping through the broker
beat    the beat schedule file was written recently (beat saves it every few minutes)
outbox  no email has waited longer than OUTBOX_ALERT_AFTER and none was given up in the last
        day (the worker's work: the mail server down, or an address refused)

Exit status 0 means every check named is healthy; what is wrong is printed.
"""

from __future__ import annotations

import glob
import os
import socket
import sys
import time
import urllib.error
import urllib.request

BEAT_STALE_AFTER = 10 * 60  # seconds; beat syncs its schedule file every three minutes


def check_web() -> bool:
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/konto/logga-in/")
    # Inside the container there is no TLS: say what the proxy would, or with HTTPS=true the
    # app redirects the check to an https:// address nothing answers on.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - a fixed local URL
            return True
    except urllib.error.HTTPError as exc:
        # A 4xx (for example a host name outside ALLOWED_HOSTS) still proves the app runs.
        return exc.code < 500
    except OSError:
        return False


def on_app_path() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tyreso_it.settings")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)


def check_worker() -> bool:
    on_app_path()
    from tyreso_it.celery import app

    replies = app.control.ping(destination=[f"celery@{socket.gethostname()}"], timeout=5)
    return bool(replies)


def check_beat() -> bool:
    schedule = os.environ.get("BEAT_SCHEDULE", "/app/var/beat/celerybeat-schedule")
    files = glob.glob(f"{glob.escape(schedule)}*")
    if not files:
        return False
    return time.time() - max(os.path.getmtime(f) for f in files) < BEAT_STALE_AFTER


def check_outbox() -> bool:
    on_app_path()
    import django

    django.setup()
    from tyreso_it.core.selectors import outbox_health

    problems = outbox_health().problems()
    for problem in problems:
        print(f"outbox: {problem}")
    return not problems


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat, "outbox": check_outbox}


def main(names: list[str]) -> int:
    if not names or not set(names) <= set(CHECKS):
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)} ...")
    failed = [name for name in names if not CHECKS[name]()]
    for name in failed:
        print(f"{name}: unhealthy")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
