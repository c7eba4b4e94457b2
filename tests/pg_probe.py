"""Print the test PostgreSQL URL when a server answers on loopback, else nothing.

Used by ``make test`` to set ``TEST_DATABASE_URL``; never fails.
"""

import socket
import sys

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> int:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1.0):
            pass
    except OSError:
        return 0
    sys.stdout.write(URL + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
