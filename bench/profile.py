"""Page times in-process (Django's test Client, no gunicorn) against in-process floors, and a cProfile of one page.

Run: .venv/bin/python bench/profile.py [--years 1] [--rounds 30] [--fragments 300] [--profile "home (member)"]
(throw-away database kcsp_bench_profile on the test PostgreSQL, the test Redis, temporary media)

The same data (bench/loaddata.py, `--years` of it) and the same pages as bench/load.py. For each page: its p50 in
ms over `--rounds` requests after two warming ones, its speed as a ratio to its floor's (floor p50 / page p50: the
public floor /accessibility/ for anonymous pages, /bench/signed-in-floor/ for signed-in ones; the page cache is
off) and its SQL queries. `--fragments` sets FRAGMENT_CACHE_SECONDS (300 as served; 0 builds every fragment).
`--profile LABEL` (a page's label or a unique part of it) then prints cProfile's top 25 functions by cumulative
time over `--rounds` requests of that page: where its time goes.
"""

import argparse
import os
import statistics
import sys
import time

# This file's folder comes first on sys.path and its name would shadow the standard library's `profile`, which
# cProfile imports: import cProfile without the folder, then put it back (for benchdb and loaddata).
_HERE = sys.path.pop(0)
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path.insert(0, _HERE)

os.environ.setdefault("BENCH_URLCONF", "bench.urls")  # read by kcsp/settings/test.py when Django starts

from benchdb import bench_database, bench_media  # noqa: E402  (starts Django)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def client_for(page) -> Client:
    client = Client()
    if page.session:
        client.cookies[settings.SESSION_COOKIE_NAME] = page.session
    return client


def timed(page, rounds: int) -> tuple[float, int]:
    """(p50 ms, queries of one warm request) for `page`; every answer must be a 200."""
    client = client_for(page)
    for _ in range(2):
        client.get(page.path)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(page.path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (page.label, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(page.path)
    return statistics.median(times) * 1000, len(captured.captured_queries)


def profiled(page, rounds: int) -> None:
    client = client_for(page)
    client.get(page.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(page.path)
    profiler.disable()
    print(f"\ncProfile of {page.label} ({page.path}), {rounds} requests, top 25 by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def chosen(page_list, label: str):
    exact = [p for p in page_list if p.label == label]
    near = exact or [p for p in page_list if label.lower() in p.label.lower()]
    if len(near) != 1:
        raise SystemExit(f"--profile {label!r} matches {len(near)} pages: {[p.label for p in page_list]}")
    return near[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fragments", type=int, default=300, help="FRAGMENT_CACHE_SECONDS (0: off)")
    parser.add_argument("--profile", metavar="LABEL", help="print a cProfile of this page")
    args = parser.parse_args()

    import loaddata
    from django.core.cache import cache

    with bench_database("kcsp_bench_profile"), bench_media():
        cache.clear()  # the test Redis of this checkout
        started = time.monotonic()
        people = loaddata.people_make()
        for year in loaddata.years(1, args.years):
            loaddata.load_year(year, people)
        loaddata.loaded()
        sessions = loaddata.bench_users(people)
        page_list, floors = loaddata.pages(sessions), loaddata.floors(sessions)
        print(f"{args.years} year(s) of data loaded in {time.monotonic() - started:.0f} s; {args.rounds} rounds; "
              f"FRAGMENT_CACHE_SECONDS={args.fragments}, page cache off")  # fmt: skip
        settings.PAGE_CACHE_SECONDS = 0
        settings.FRAGMENT_CACHE_SECONDS = args.fragments
        floor_ms = {kind: timed(floors[key], args.rounds)[0] for kind, key in
                    (("public", "public"), ("signed in", "signed in"))}  # fmt: skip
        print(f"{'page':46} {'p50 ms':>7} {'x floor':>7} {'queries':>7}")
        for kind, ms in floor_ms.items():
            print(f"{floors[kind].label:46} {ms:>7.2f} {'':>7} {'':>7}")
        for page in page_list:
            ms, queries = timed(page, args.rounds)
            print(f"{page.label:46} {ms:>7.2f} {floor_ms[page.kind] / ms:>7.2f} {queries:>7}")
        if args.profile:
            profiled(chosen([*floors.values(), *page_list], args.profile), args.rounds)


if __name__ == "__main__":
    main()
