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
