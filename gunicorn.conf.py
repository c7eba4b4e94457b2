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
