"""Deployment checks of the product's own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Sessions are read from the cache (settings.SESSION_ENGINE): every web process must see
    the same cache, or a logout in one process would go unseen by another."""
    if getattr(settings, "REDIS_URL", ""):
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: the cache and the sessions read through it are each web "
            "process's own.",
            hint="Set REDIS_URL when more than one web process serves the app.",
            id="tyreso_it.W001",
        )
    ]


@checks.register()
def outbox_claim_outlasts_a_send(app_configs, **kwargs):
    """A drain's claim on a message must outlast its send, or a slow send's message could be
    claimed and sent again by another drain before the first marks it sent."""
    timeout = settings.MAILERS.get("default", {}).get("OPTIONS", {}).get("timeout")
    # A send waits on the server at each of its steps (MAIL, RCPT for each recipient, DATA,
    # the end of the data), each for up to the timeout.
    if timeout is None or 10 * timeout <= settings.OUTBOX_CLAIM_LEASE:
        return []
    return [
        checks.Warning(
            f"OUTBOX_CLAIM_LEASE ({settings.OUTBOX_CLAIM_LEASE} s) is shorter than ten times "
            f"EMAIL_TIMEOUT ({timeout} s): a send to a slow mail server may outlast its claim, "
            "and the email may then be sent twice.",
            hint="Lower EMAIL_TIMEOUT.",
            id="tyreso_it.W003",
        )
    ]
