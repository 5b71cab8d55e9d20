"""Helpers for tests that race real database sessions (PostgreSQL row locks)."""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from nongsan.core.errors import ApplicationError


def run_at_once(calls: Sequence[Callable[[], object]]) -> list[str]:
    """Run the calls in threads released together; each one's result: "ok", or the code of the
    ApplicationError it raised (anything else is raised). Each thread closes its connection."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> str:
        try:
            barrier.wait()
            call()
            return "ok"
        except ApplicationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
