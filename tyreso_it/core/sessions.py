"""Sessions read from the cache and kept in the database (settings.SESSION_ENGINE).

Django's cached_db engine, with the cache as an accelerator only: when Redis is away, a
session is read from and written to the database and the page is served, as with the plain
database engine (the product never lets a page wait on Redis), and logging in and out work.
A session stays in the cache for at most CACHE_SECONDS: should the cache miss a logout while
it was unreachable and then come back with the session still in it, that session ends at the
latest CACHE_SECONDS after it was cached.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")

#: The longest a session is served from the cache before it is read from the database again.
CACHE_SECONDS = 5 * 60


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, age: int) -> int:
        return max(0, min(age, CACHE_SECONDS))

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unreachable (%s); reading the database", self._cache)
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data,
                            self._cache_seconds(self.get_expiry_age(expiry=row.expire_date)))
        except Exception:
            logger.warning("Session cache unreachable (%s); not cached", self._cache)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("Session cache unreachable (%s); asking the database", self._cache)
        return cached_db.DBStore.exists(self, session_key)

    def save(self, must_create=False):
        cached_db.DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session,
                            self._cache_seconds(self.get_expiry_age()))
        except Exception:
            logger.warning("Session cache unreachable (%s); saved in the database only",
                           self._cache)

    def delete(self, session_key=None):
        cached_db.DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("Session cache unreachable (%s); the session ends in the database, "
                           "and in the cache within %s s", self._cache, CACHE_SECONDS)
