"""gunicorn's own refusals as RFC 9457 problems, like every other error under /api/.

gunicorn answers some requests itself, before Django sees them: a request line over
``limit_request_line`` (414), a header field over ``limit_request_field_size`` (431), a repeated
Host or Content-Type, an invalid Content-Length or request line (400), a transfer coding it does
not implement (501). Behind nginx (deploy/nginx) it never has to, nginx refusing first; reached
directly (a Kubernetes Service, a load balancer that does not buffer) it does, and its answer is
an HTML page. ``install()``, called from gunicorn.conf.py in every worker, makes it a problem::

    {"type": "/api/problems/bad-request/", "title": "Bad request", "status": 400,
     "detail": "Invalid HTTP Header: 'HOST'"}

How: every worker class answers these errors in ``Worker.handle_error``, which maps the exception
to a status, reason and message and hands them to ``gunicorn.util.write_error(sock, status_int,
reason, mesg)`` to write the HTML page; ``install()`` replaces that one function. This is the least
fragile hook gunicorn offers. A worker subclass overriding ``handle_error`` would have to copy its
exception-to-status mapping (about 90 lines that grow with every gunicorn release: 27 added chunk
and HTTP/2 errors) and exist once per worker class (sync, and gthread when GUNICORN_THREADS > 1);
``write_error`` keeps gunicorn's mapping, is shared by every worker class, and has had the same
four arguments since gunicorn's first releases. Should a gunicorn release rename or change it,
``install()`` leaves gunicorn's HTML in place and logs a warning rather than stop the workers, and
tests/deploy/test_proxy.py, which asks gunicorn for these errors, fails.
"""

import inspect
import json
import logging

from gunicorn import util

from infra.errors import KINDS, PROBLEM_MEDIA_TYPE

logger = logging.getLogger("gunicorn.error")

# The API's kinds that mean what gunicorn means by these statuses; any other status (414, 417,
# 431, 501...) is ``about:blank`` with its reason phrase as the title, as RFC 9457 says and as
# infra.errors.error_response does.
KIND_BY_GUNICORN_STATUS = {400: "bad-request", 403: "forbidden", 500: "server-error"}
# gunicorn's message may quote the request (a whole request line): enough to see what was wrong.
MAX_DETAIL = 200
EXPECTED_PARAMETERS = ["sock", "status_int", "reason", "mesg"]


def problem(status: int, reason: str, message: str) -> dict:
    """The problem answering a request gunicorn refused with ``status``."""
    kind = KINDS.get(KIND_BY_GUNICORN_STATUS.get(status, ""))
    detail = message or ("Server error; it has been logged." if status == 500 else f"{reason}.")
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "\u2026"
    return {
        "type": kind.type if kind else "about:blank",
        "title": kind.title if kind else reason,
        "status": status,
        "detail": detail,
    }


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error`` writing a problem instead of an HTML page."""
    # ASCII only (ensure_ascii): the message may quote any byte the client sent.
    body = json.dumps(problem(status_int, reason, mesg), separators=(",", ":")).encode("ascii")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> bool:
    """Make gunicorn write its refusals as problems; False (logged) if this gunicorn's
    ``write_error`` is not the function this module replaces."""
    current = getattr(util, "write_error", None)
    if current is write_problem:
        return True
    try:
        parameters = list(inspect.signature(current).parameters) if current else None
    except (TypeError, ValueError):
        parameters = None
    if parameters != EXPECTED_PARAMETERS:
        logger.warning(
            "gunicorn.util.write_error is not write_error(%s) in this gunicorn; its own error "
            "pages stay HTML (see infra/gunicorn_workers.py).",
            ", ".join(EXPECTED_PARAMETERS),
        )
        return False
    util.write_error = write_problem
    return True
