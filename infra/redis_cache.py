"""Redis as the shared cache: an accelerator, never a dependency of correctness or latency.

``RedisCache`` is django-redis's backend with three changes (config.settings selects it whenever
REDIS_URL is set):

* **Short timeouts, no retries.** Connecting and every answer are bounded by REDIS_TIMEOUT_MS
  (tens of milliseconds), and redis-py never retries a command or a connection: a hung Redis
  costs one timeout, not a multiple of it.
* **One circuit breaker per process** (pybreaker), shared by every use of the cache. The first
  failure (refused or lost connection, timeout, an error from Redis) opens it: for
  REDIS_BREAKER_RESET_SECONDS every cache call is skipped without touching the network, and
  answers as a miss does (``get`` its default, ``get_many`` ``{}``, ``add``/``set``/``incr``/
  ``delete`` None). Then one trial call goes through (half-open): success closes the breaker,
  failure opens it for another period. Each change of state is one log line (logger
  ``infra.redis_cache``), the opening with its reason; no request logs anything, and no
  traceback is ever written for an outage. Errors that are not outages, such as the
  ``ValueError`` of ``incr`` on a missing key, are raised as django-redis raises them.
* **A trust epoch** (``trust_epoch``): a number that changes whenever Redis may hold something
  older than what this process last wrote to it, because a new connection was made (Redis may
  have restarted from an old dump, or missed a write while it was away) or because the breaker
  opened (a write may have been lost). It is None while the breaker is not closed. The content
  version (content.versioning) is read from the cache only while the epoch it last synchronised
  at still holds; otherwise it is read from the database and written back with ``set_if_newer``,
  which never lets an older version overwrite a newer one.
"""

import logging
import threading
from typing import Any

import pybreaker
from django.conf import settings
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from django_redis.pool import ConnectionFactory as DjangoRedisConnectionFactory
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Seconds the breaker stays open when REDIS_BREAKER_RESET_SECONDS is not set.
DEFAULT_RESET_SECONDS = 5.0


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says Redis is away or failing (as opposed to a caller's mistake, such as
    incrementing a missing key): django-redis's wrapper, any redis-py error, a socket error."""
    return isinstance(error, ConnectionInterrupted | RedisError | OSError)


def _reason(error: BaseException) -> str:
    cause = error.__cause__ if isinstance(error, ConnectionInterrupted) else error
    cause = cause or error
    return f"{type(cause).__name__}: {cause}"


class RedisBreaker:
    """The process's circuit breaker around Redis (one for every use of the cache), and its trust
    epoch.

    pybreaker keeps the state (closed, open, half-open), the reset timer and the listeners. Its
    ``call`` holds the breaker's lock for the whole call, so while the breaker is closed calls
    bypass it (threads of a gthread worker must not queue behind each other's Redis round
    trips) and the first outage opens it directly; only while it is open do calls go through
    ``call``, so exactly one thread at a time makes the trial call once the period is over.
    """

    def __init__(self) -> None:
        self._trip_lock = threading.Lock()
        self._epoch_lock = threading.Lock()
        self._epoch = 0
        self._reason = ""
        self.breaker = self._new_breaker()

    def _new_breaker(self) -> pybreaker.CircuitBreaker:
        return pybreaker.CircuitBreaker(
            fail_max=1,
            reset_timeout=DEFAULT_RESET_SECONDS,
            exclude=[lambda error: not is_outage(error)],
            listeners=[_StateLog(self)],
            name="redis",
        )

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open``."""
        return self.breaker.current_state

    @property
    def reset_seconds(self) -> float:
        return float(getattr(settings, "REDIS_BREAKER_RESET_SECONDS", DEFAULT_RESET_SECONDS))

    def call(self, function, *args: Any, **kwargs: Any) -> Any:
        """Call ``function`` (a Redis round trip) unless the breaker is open; an outage, or a
        skipped call, raises ``ConnectionInterrupted``, which the backend turns into a miss."""
        if self.breaker.current_state == pybreaker.STATE_CLOSED:
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if not is_outage(error):
                    raise
                self._trip(error)
                raise ConnectionInterrupted(connection=None) from error
        self.breaker.reset_timeout = self.reset_seconds
        try:
            return self.breaker.call(function, *args, **kwargs)
        except pybreaker.CircuitBreakerError as error:
            raise ConnectionInterrupted(connection=None) from error
        except Exception as error:
            if is_outage(error):
                raise ConnectionInterrupted(connection=None) from error
            raise

    def _trip(self, error: BaseException) -> None:
        with self._trip_lock:  # one opening (one log line) however many threads fail at once
            if self.breaker.current_state == pybreaker.STATE_CLOSED:
                self._reason = _reason(error)
                self.breaker.reset_timeout = self.reset_seconds
                self.breaker.open()

    def distrust(self) -> None:
        """Redis may now hold older data than this process wrote to it: change the epoch."""
        with self._epoch_lock:
            self._epoch += 1

    def trust_epoch(self) -> int | None:
        """The current trust epoch, or None while the breaker is open or half-open."""
        if self.breaker.current_state != pybreaker.STATE_CLOSED:
            return None
        return self._epoch

    def reset(self) -> None:
        """A closed breaker and a new epoch, without logging (tests start from nothing)."""
        self.breaker = self._new_breaker()
        self._reason = ""
        self.distrust()


class _StateLog(pybreaker.CircuitBreakerListener):
    """One log line per change of state; an opening also changes the trust epoch."""

    def __init__(self, owner: RedisBreaker) -> None:
        self.owner = owner

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.owner._reason = _reason(exc)  # the trial call's failure, logged on opening

    def state_change(self, cb, old_state, new_state) -> None:
        if old_state is not None and old_state.name == new_state.name:
            return
        if new_state.name == pybreaker.STATE_OPEN:
            self.owner.distrust()
            logger.warning(
                "Redis circuit breaker opened (%s): skipping Redis for %g s",
                self.owner._reason or "unknown error",
                cb.reset_timeout,
            )
        elif new_state.name == pybreaker.STATE_HALF_OPEN:
            logger.info("Redis circuit breaker half-open: trying one call")
        else:
            logger.info("Redis circuit breaker closed: Redis answers again")


BREAKER = RedisBreaker()


def reset() -> None:
    """Close the breaker, change the epoch and drop every pooled connection (tests)."""
    BREAKER.reset()
    for pool in ConnectionFactory._pools.values():
        pool.disconnect()
    ConnectionFactory._pools.clear()


class ResyncMixin:
    """A redis-py connection that, once connected (first time or again), tells the breaker that
    Redis can no longer be trusted to hold what this process last wrote."""

    def on_connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        super().on_connect_check_health(*args, **kwargs)
        BREAKER.distrust()


_resyncing: dict[type, type] = {}


def resyncing(connection_class: type) -> type:
    """``connection_class`` (TCP, TLS or Unix socket, as the URL chose) with ``ResyncMixin``."""
    if connection_class not in _resyncing:
        name = f"Resyncing{connection_class.__name__}"
        _resyncing[connection_class] = type(name, (ResyncMixin, connection_class), {})
    return _resyncing[connection_class]


class ConnectionFactory(DjangoRedisConnectionFactory):
    """django-redis's pools, with no retries in redis-py and connections that change the trust
    epoch when they connect."""

    # Pools of this factory only: django-redis keys its own by URL alone.
    _pools: dict[str, Any] = {}

    def get_connection_pool(self, params: dict[str, Any]):
        # redis-py's pool connections retry nothing by default; say so, so that a change of
        # default (redis.Redis's own default is 10 retries with backoff) cannot multiply the
        # timeout. The breaker, not a retry, decides when to try again.
        pool = super().get_connection_pool({**params, "retry": Retry(NoBackoff(), 0)})
        pool.connection_class = resyncing(pool.connection_class)
        return pool


# Keeps ``value`` under KEYS[1] and its stamp under KEYS[2], unless a newer stamp is there.
SET_IF_NEWER = """
local current = tonumber(redis.call('GET', KEYS[2]))
if current and current > tonumber(ARGV[2]) then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""


class RedisCache(DjangoRedisCache):
    """django-redis's cache whose every Redis call goes through the process's breaker, and whose
    failures are misses (see the module's docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "CONNECTION_FACTORY": f"{__name__}.ConnectionFactory",
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        # django-redis's omit_exception then returns each method's miss value; the breaker logs.
        self._ignore_exceptions = True
        self._log_ignored_exceptions = False

    @property
    def client(self):
        if self._client is None:
            self._client = _Guarded(self._client_cls(self._server, self._params, self))
        return self._client

    def trust_epoch(self) -> int | None:
        """See the module's docstring: None while Redis is being skipped."""
        return BREAKER.trust_epoch()

    def set_if_newer(self, key: str, value: Any, stamp: int, timeout: float) -> bool | None:
        """Keep ``value`` under ``key`` for ``timeout`` seconds unless the value there has a newer
        ``stamp`` (an integer; an equal one is replaced, refreshing its time). True when written,
        False when a newer value was kept, None when Redis was skipped or failed."""

        def run() -> bool:
            client = self.client.unguarded
            keys = [client.make_key(key), client.make_key(f"{key}:stamp")]
            arguments = [client.encode(value, allow_int=False), stamp, int(timeout * 1000)]
            redis = client.get_client(write=True)
            return bool(redis.eval(SET_IF_NEWER, len(keys), *keys, *arguments))

        try:
            return BREAKER.call(run)
        except ConnectionInterrupted:
            return None


class _Guarded:
    """A django-redis client whose methods go through the breaker."""

    def __init__(self, client) -> None:
        self.unguarded = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.unguarded, name)
        if not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return BREAKER.call(attribute, *args, **kwargs)

        self.__dict__[name] = guarded  # found directly next time
        return guarded
