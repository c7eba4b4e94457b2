"""Gunicorn settings of SSP Lägesbild; gunicorn reads this file from the working
directory (``make run``, and any ``gunicorn wsgi:app`` started in the project root).

Threaded workers: a request that waits — an upload arriving over a slow line, a
database lock — holds one thread, not a whole worker, so ``/healthz`` and the other
users' clicks are still answered (with plain sync workers two uploads from slow
clients block two workers, and a worker killed by the 30 s timeout loses the upload).
Parsing never happens here: imports run in a process of their own (``data/jobs``).
``--workers`` (``make run``: ``WORKERS``) and ``--threads`` on the command line win.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("SSP_THREADS", "4"))


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Issue 19: each worker builds its count cube as it starts, in the background,
    so no user waits for the build after a start or a restart."""
    from dashboard.state import warm_up

    warm_up(worker.wsgi)


# Issue 17: an association's link (/forening/<token>) is its key. The access log
# records the path, the request line and the referrer with the token cut out, so a
# log reader gets no working link.
import re  # noqa: E402

from gunicorn.glogging import Logger  # noqa: E402

_LINK_TOKEN = re.compile(r"(/forening/)[^/\s?#]+")


class RedactingLogger(Logger):
    """Gunicorn's logger with association link tokens replaced by ``…``."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and "/forening/" in value:
                atoms[key] = _LINK_TOKEN.sub(r"\1…", value)
        return atoms


logger_class = RedactingLogger
