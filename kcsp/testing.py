"""Helpers the test suites of every app share."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    """SQL queries one GET of the page makes; fails if the page does not answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured.captured_queries)


def assert_queries_constant(client, url: str, grow: Callable[[], None]) -> int:
    """Assert the page makes as many queries after `grow()` adds data as before; returns the count."""
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} queries before adding data, {after} after"
    return before
