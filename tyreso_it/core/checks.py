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


@checks.register(checks.Tags.caches)
def access_cache_shared(app_configs, **kwargs):
    """The access cache (organisation.access) is right only in a cache every process shares:
    a change of someone's rights made in one process must reach the others."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not getattr(settings, "ACCESS_CACHE", False) or "redis" in backend.lower():
        return []
    return [
        checks.Warning(
            "ACCESS_CACHE is on with a cache that is each process's own: a change of "
            "someone's rights made in one process shows in another only within five minutes.",
            hint="Set REDIS_URL, or ACCESS_CACHE=false when more than one process serves "
                 "the app or runs its worker.",
            id="tyreso_it.W002",
        )
    ]
