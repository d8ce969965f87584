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
* **Pushed messages** (``publish`` and ``subscribe``), on Redis pub/sub channels named after the
  cache's KEY_PREFIX (``<prefix>:<name>``), so that deployments sharing a Redis do not hear each
  other. A commit of content announces the new version this way, and every process forgets the
  version it keeps in memory within milliseconds (content.versioning). A message can be lost (Redis
  away, a process reconnecting), so a subscriber only ever speeds things up: whoever relies on it
  keeps a bound of its own (content.versioning keeps CONTENT_VERSION_MAX_STALENESS).

The subscriber lives here, in the cache backend, rather than in content.versioning: ``content``
may import nothing first-party (tests/test_layers.py), so it finds ``publish`` and ``subscribe`` on
the cache with ``getattr``, as it finds ``trust_epoch`` and ``set_if_newer``; and the subscriber
is one more use of Redis that must share the process's breaker, which lives here.

Each process has at most one subscriber: one daemon thread (``redis-subscriber``) with its own
redis-py connection to the cache's first server, started by the first ``subscribe`` in the
process. The process is told apart by ``os.getpid()``: gunicorn loads the application in its
master and forks the workers, and a thread does not survive a fork, so a worker's first
``subscribe`` finds a subscriber recorded under another pid and starts its own. The subscriber
calls each channel's callback with every message, and with None each time it has (re)subscribed,
since messages published while it was away are lost.

The subscriber is held to the cache's rules. Its connection has the cache's timeouts and redis-py
retries nothing. Each connection attempt (connect, SUBSCRIBE and its confirmation) is a call
through the breaker: a failing attempt opens it (the one log line of an outage, however many
threads and subscribers notice it), while it is open the subscriber waits (a backoff from
SUBSCRIBER_RETRY_FIRST doubling to SUBSCRIBER_RETRY_MAX seconds; an attempt the breaker skips costs
nothing), and once its period is over the subscriber's attempt may be the trial call that closes it
again, even in a process that answers no request. Losing an established connection is not a
failure in itself (Redis may have restarted, as a pooled connection would find and reconnect
silently): the subscriber tries again at once. A hung Redis keeps the connection open, so after
SUBSCRIBER_PING_AFTER seconds of silence the subscriber sends a PING, and a connection that does not
answer within SUBSCRIBER_PING_TIMEOUT is lost. Its own lines (subscribed, lost) are DEBUG; no
traceback is written for an outage.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pybreaker
import redis
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

    def after_fork(self) -> None:
        """New locks in a forked child: a parent's thread may have held one at the fork (the
        breaker's own lock during a trial call), and it did not come along to release it."""
        self._trip_lock = threading.Lock()
        self._epoch_lock = threading.Lock()
        self.breaker._lock = threading.RLock()  # pybreaker's, held for a whole half-open call

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
    """Stop this process's subscriber, close the breaker, change the epoch and drop every pooled
    connection (tests)."""
    stop_subscriber()
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
        # The subscriber's connection: to the first server (django-redis writes there), with the
        # cache's timeouts and password.
        servers = server if isinstance(server, list | tuple) else server.split(",")
        options = self._params.get("OPTIONS", {})
        connection = {
            "socket_connect_timeout": options.get("SOCKET_CONNECT_TIMEOUT"),
            "socket_timeout": options.get("SOCKET_TIMEOUT"),
        }
        if options.get("PASSWORD"):
            connection["password"] = options["PASSWORD"]
        self._subscriber_connection = (servers[0], connection)

    @property
    def client(self):
        if self._client is None:
            self._client = _Guarded(self._client_cls(self._server, self._params, self))
        return self._client

    def trust_epoch(self) -> int | None:
        """See the module's docstring: None while Redis is being skipped."""
        return BREAKER.trust_epoch()

    def channel(self, name: str) -> str:
        """The pub/sub channel called ``name`` for this cache: named after its KEY_PREFIX."""
        return f"{self.key_prefix}:{name}" if self.key_prefix else name

    def publish(self, name: str, message: str) -> int | None:
        """Send ``message`` on channel ``name`` (see ``channel``) to every process subscribed to
        it; the number of subscribers that got it, or None when Redis was skipped or failed."""

        def run() -> int:
            connection = self.client.unguarded.get_client(write=True)
            return connection.publish(self.channel(name), message)

        try:
            return BREAKER.call(run)
        except ConnectionInterrupted:
            return None

    def subscribe(self, name: str, callback: Callable[[str | None], None]) -> None:
        """Have this process's subscriber (see the module's docstring) call ``callback`` with each
        message on channel ``name``, and with None whenever it has (re)subscribed. Starts the
        subscriber if this process has none yet; cheap once it has, so callers may call it on
        every use. The callback runs on the subscriber's thread and must be quick."""
        subscribe(*self._subscriber_connection, self.channel(name), callback)

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


# The subscriber (see the module's docstring). Seconds it waits for a message before it looks
# whether it must stop or subscribe to a channel added meanwhile.
SUBSCRIBER_POLL = 0.25
# Seconds of silence after which it sends a PING, and seconds it then waits for the answer before
# it treats the connection as lost (a hung Redis keeps its connections open).
SUBSCRIBER_PING_AFTER = 1.0
SUBSCRIBER_PING_TIMEOUT = 1.0
# Seconds between its connection attempts while they fail: doubling from the first to the last.
SUBSCRIBER_RETRY_FIRST = 0.05
SUBSCRIBER_RETRY_MAX = 1.0
# Seconds a default subscriber gives Redis to connect or answer (the cache's timeouts otherwise).
SUBSCRIBER_DEFAULT_TIMEOUT = 0.1

Callback = Callable[[str | None], None]


class Subscriber:
    """A process's subscription to channels of one Redis: one daemon thread, one connection."""

    def __init__(self, url: str, connection: dict[str, Any]) -> None:
        self.pid = os.getpid()
        self.url = url
        self.timeout = connection.get("socket_timeout") or SUBSCRIBER_DEFAULT_TIMEOUT
        # Its own client (no connection is made until the thread subscribes).
        self._client = redis.Redis.from_url(
            url,
            **{
                **connection,
                "socket_timeout": self.timeout,
                "socket_connect_timeout": connection.get("socket_connect_timeout") or self.timeout,
                # The breaker, not a retry, decides when to try again (as for the cache).
                "retry": Retry(NoBackoff(), 0),
            },
        )
        self.callbacks: dict[str, Callback] = {}
        self._added: set[str] = set()  # channels to subscribe to on the current connection
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._failing = False  # a failure that is not an outage was logged
        self.thread = threading.Thread(target=self._run, name="redis-subscriber", daemon=True)

    def add(self, channel: str, callback: Callback) -> None:
        with self._lock:
            self.callbacks[channel] = callback
            self._added.add(channel)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and close its connection (within SUBSCRIBER_POLL, or an attempt)."""
        self._stopping.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def _run(self) -> None:
        delay = SUBSCRIBER_RETRY_FIRST
        try:
            while not self._stopping.is_set():
                pubsub = self._client.pubsub()
                try:
                    channels = BREAKER.call(self._subscribe, pubsub)
                except ConnectionInterrupted:
                    # An outage the breaker has logged, or an attempt it skipped while open.
                    pubsub.close()
                    self._stopping.wait(delay)
                    delay = min(2 * delay, SUBSCRIBER_RETRY_MAX)
                    continue
                except Exception:
                    pubsub.close()
                    self._failed()
                    self._stopping.wait(SUBSCRIBER_RETRY_MAX)
                    continue
                delay = SUBSCRIBER_RETRY_FIRST
                logger.debug("Redis subscriber listening on %s", ", ".join(channels))
                self._notify(channels, None)
                try:
                    self._listen(pubsub)
                except Exception as error:
                    if is_outage(error):
                        logger.debug("Redis subscriber lost its connection (%s)", _reason(error))
                    else:
                        self._failed()
                        self._stopping.wait(SUBSCRIBER_RETRY_MAX)
                finally:
                    pubsub.close()
        finally:
            self._client.close()

    def _failed(self) -> None:
        """A failure that is not an outage (a bug): one traceback until the next success."""
        if not self._failing:
            self._failing = True
            logger.exception("Redis subscriber failed; trying again")

    def _subscribe(self, pubsub) -> list[str]:
        """Connect, subscribe to every channel and wait for Redis to confirm (a breaker call)."""
        with self._lock:
            channels = sorted(self.callbacks)
            self._added.clear()
        pubsub.subscribe(*channels)
        waiting = set(channels)
        deadline = time.monotonic() + self.timeout
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise redis.exceptions.TimeoutError("no answer to SUBSCRIBE")
            message = pubsub.get_message(timeout=remaining)
            if message is not None and message["type"] == "subscribe":
                waiting.discard(_text(message["channel"]))
        self._failing = False
        return channels

    def _listen(self, pubsub) -> None:
        """Deliver messages until told to stop; raise when the connection is lost."""
        heard = time.monotonic()
        pinged = None
        while not self._stopping.is_set():
            with self._lock:
                added, self._added = self._added, set()
            if added:
                pubsub.subscribe(*sorted(added))  # each confirmation calls its callback below
            message = pubsub.get_message(timeout=SUBSCRIBER_POLL)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                if message["type"] == "message":
                    self._notify([_text(message["channel"])], _text(message["data"]))
                elif message["type"] == "subscribe":
                    self._notify([_text(message["channel"])], None)
            elif pinged is not None:
                if now - pinged >= SUBSCRIBER_PING_TIMEOUT:
                    raise redis.exceptions.TimeoutError(
                        f"no answer to PING within {SUBSCRIBER_PING_TIMEOUT:g} s"
                    )
            elif now - heard >= SUBSCRIBER_PING_AFTER:
                pubsub.ping()
                pinged = now

    def _notify(self, channels: list[str], message: str | None) -> None:
        for channel in channels:
            callback = self.callbacks.get(channel)
            if callback is None:
                continue
            try:
                callback(message)
            except Exception:
                logger.exception("Redis subscriber: the callback for %s failed", channel)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# This process's subscriber (None: none yet). A subscriber recorded under another pid was
# inherited through a fork: its thread did not come along, so this process starts its own.
_subscriber: Subscriber | None = None
_subscriber_lock = threading.Lock()


def subscribe(url: str, connection: dict[str, Any], channel: str, callback: Callback) -> None:
    """Have this process's subscriber to ``url`` call ``callback`` for ``channel`` (see
    ``RedisCache.subscribe``), starting it if this process has none. A process subscribes to one
    Redis: a subscriber to another (tests change the cache) is stopped and replaced."""
    global _subscriber
    pid = os.getpid()
    current = _subscriber
    if (
        current is not None
        and current.pid == pid
        and current.url == url
        and current.callbacks.get(channel) is callback
    ):
        return
    with _subscriber_lock:
        current = _subscriber
        if current is not None and current.pid == pid and current.url == url:
            if current.callbacks.get(channel) is not callback:
                current.add(channel, callback)
            return
        if current is not None and current.pid == pid:
            current.stop()
        subscriber = Subscriber(url, connection)
        subscriber.add(channel, callback)
        subscriber.start()
        _subscriber = subscriber


def stop_subscriber() -> None:
    """Stop this process's subscriber, if it has one (tests; a worker's ends with it)."""
    global _subscriber
    with _subscriber_lock:
        current, _subscriber = _subscriber, None
    if current is not None and current.pid == os.getpid():
        current.stop()


def _after_fork_in_child() -> None:
    # The parent's locks may have been held by its threads at the fork; none of them is here to
    # release them. (The subscriber recorded is replaced on the child's first subscribe.)
    global _subscriber_lock
    _subscriber_lock = threading.Lock()
    BREAKER.after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
