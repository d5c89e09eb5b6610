"""Sessions read from the cache and kept in the database (settings.SESSION_ENGINE).

Django's cached_db engine, with the cache as an accelerator only. The cache never raises
(`tyreso_it.core.cache`): when Redis is away it answers as empty, so a session is read from
and written to the database and the page is served, as with the plain database engine, and
logging in and out work. A session stays in the cache for at most CACHE_SECONDS: should the
cache miss a logout while Redis was unreachable and then come back with the session still in
it, that session ends at the latest CACHE_SECONDS after it was cached.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

#: The longest a session is served from the cache before it is read from the database again.
CACHE_SECONDS = 5 * 60


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions, each kept in the cache for at most CACHE_SECONDS: what
    bounds a logout the cache missed while Redis was away."""

    def _cache_seconds(self, age: int) -> int:
        return max(0, min(age, CACHE_SECONDS))

    def load(self) -> dict:
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache.set(self.cache_key, data,
                        self._cache_seconds(self.get_expiry_age(expiry=row.expire_date)))
        return data

    async def aload(self) -> dict:
        key = await self.acache_key()
        data = await self._cache.aget(key)
        if data is not None:
            return data
        row = await self._aget_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        await self._cache.aset(key, data, self._cache_seconds(
            await self.aget_expiry_age(expiry=row.expire_date)))
        return data

    def save(self, must_create: bool = False) -> None:
        cached_db.DBStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session,
                        self._cache_seconds(self.get_expiry_age()))

    async def asave(self, must_create: bool = False) -> None:
        await cached_db.DBStore.asave(self, must_create)
        await self._cache.aset(await self.acache_key(), self._session,
                               self._cache_seconds(await self.aget_expiry_age()))
