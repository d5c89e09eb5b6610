"""Container health checks for docker-compose.yml: `python scripts/healthcheck.py web|worker|beat`.

web     the application answers HTTP on port 8000 (any status below 500)
worker  the Celery worker on this host answers a ping through the broker
beat    the beat schedule file was written recently (beat saves it every few minutes)

Exit status 0 means healthy.
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


def check_worker() -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tyreso_it.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tyreso_it.celery import app

    replies = app.control.ping(destination=[f"celery@{socket.gethostname()}"], timeout=5)
    return bool(replies)


def check_beat() -> bool:
    schedule = os.environ.get("BEAT_SCHEDULE", "/app/var/beat/celerybeat-schedule")
    files = glob.glob(f"{glob.escape(schedule)}*")
    if not files:
        return False
    return time.time() - max(os.path.getmtime(f) for f in files) < BEAT_STALE_AFTER


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)}")
    sys.exit(0 if CHECKS[sys.argv[1]]() else 1)
