"""gunicorn configuration: workers and threads from the environment, sized for the machine.

WEB_CONCURRENCY   worker processes (default: 2 x CPUs + 1, within the connection budget)
GUNICORN_THREADS  threads per worker (default 1: sync workers; more switches to gthread)
GUNICORN_MAX_REQUESTS  restart a worker after this many requests (default 0: never)
DB_MAX_CONNECTIONS  database connections this instance may hold (default 20). Every thread keeps
                  one persistent connection, so workers x threads must fit in it; keep the sum
                  over all instances below PostgreSQL's max_connections.
PORT              port to listen on (default 8000)
"""

import multiprocessing
import sys

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int
from infra import gunicorn_workers

threads = env_int("GUNICORN_THREADS", default=1, minimum=1)
connection_budget = env_int("DB_MAX_CONNECTIONS", default=20, minimum=1)
workers = env_int(
    "WEB_CONCURRENCY",
    default=max(1, min(2 * multiprocessing.cpu_count() + 1, connection_budget // threads)),
    minimum=1,
)
if workers * threads > connection_budget:
    raise ImproperlyConfigured(
        f"WEB_CONCURRENCY={workers} x GUNICORN_THREADS={threads} = {workers * threads} database "
        f"connections, more than DB_MAX_CONNECTIONS={connection_budget}; lower one or raise the "
        "budget (and PostgreSQL's max_connections)."
    )
worker_class = "gthread" if threads > 1 else "sync"

bind = f"0.0.0.0:{env_int('PORT', default=8000)}"
wsgi_app = "config.wsgi:application"
timeout = env_int("GUNICORN_TIMEOUT", default=30, minimum=1)
graceful_timeout = 20
keepalive = 5
# Load the application once in the master and fork workers from it: workers start (and restart)
# in milliseconds and share its memory. Django opens no database connection while loading, so
# nothing is shared across the fork.
preload_app = True
# Recycling workers every N requests guards against slow leaks, at the price of a restart pause;
# off by default (as in gunicorn), GUNICORN_MAX_REQUESTS turns it on.
max_requests = env_int("GUNICORN_MAX_REQUESTS", default=0)
max_requests_jitter = max_requests // 10

# Request limits, agreeing with nginx's (deploy/nginx), so that behind it gunicorn does not refuse
# first: nginx takes request lines and header fields up to 8190 characters (one 8k buffer), so
# gunicorn takes request lines up to 8190, its maximum, and fields up to 9216 bytes (it counts
# the CRLF, and nginx re-writes "Name:value" as "Name: value": 8193 at most). The API's own
# limit, API_MAX_QUERY_STRING (2048), is the one a client meets first: a longer query string
# reaches Django and gets its 400 problem. (gunicorn's defaults are 4094 and 8190.) Two requests
# nginx passes are still gunicorn's to refuse, with a problem like every other refusal: more than
# 100 header fields (nginx cannot count them; raising the count would let a client reaching
# gunicorn directly make a worker buffer and rescan megabytes of headers, as gunicorn bounds them
# by fields x field size) and a control character in a header value.
limit_request_line = 8190
limit_request_field_size = 9216
limit_request_fields = 100


def post_worker_init(worker):
    """gunicorn's own refusals (a malformed request, a limit above) answer RFC 9457 problems
    instead of HTML pages; see infra/gunicorn_workers.py for how and why this way."""
    gunicorn_workers.install()


accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
print(
    f"gunicorn: {workers} {worker_class} worker(s) x {threads} thread(s)",
    file=sys.stderr,
)
