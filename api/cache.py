"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

Django builds a new ``redis.Redis`` object for every cache operation; redis-py's constructor
registers ~170 response callbacks each time, which costs more than the network round trip. The
API reads the content version from Redis on every request, so the client is built once per pool
and reused (``redis.Redis`` objects are thread-safe; connections come from the pool).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Hands out the same ``redis.Redis`` client for each connection pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    """RedisCache using :class:`ReusedClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
