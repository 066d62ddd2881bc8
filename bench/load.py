"""The app under load at 1 and at N years of data, against floors measured in the same run; targets printed.

Run: .venv/bin/python bench/load.py [--seconds 6] [--users 20] [--workers 4] [--years 10]
(throw-away database kcsp_bench_load on the test PostgreSQL, the test Redis, temporary media; nothing else touched)

Three gunicorn servers on loopback with the bench URLconf (bench/urls.py: the product's URLs plus the signed-in
floor): "uncached" (PAGE_CACHE_SECONDS=0) and "cached" (PAGE_CACHE_SECONDS=60), both with the pages' fragment
cache on (FRAGMENT_CACHE_SECONDS=300, as in production), and "built" with both off: every page, and search (whose
bench query repeats, so the fragment cache would answer it), made from the database on every request, its rows
labelled ", built" and judged by the same targets against floors run on that server. Each page is driven alone
by `--users` locust users for `--seconds` (after a few warming requests), at 1 year of data and again at N years
(bench/loaddata.py).
Floors (requests/s of):
- public: the static accessibility page, uncached; public pages are compared with it;
- cached: the same page from the page cache; public pages served through the page cache are compared with it;
- signed in: /bench/signed-in-floor/ (session, user, base template), uncached; signed-in pages are compared with it.
Targets (issue 18), judged at N years: public >= 0.5 x public floor, >= 0.9 x cached floor with the page cache;
signed in >= 0.5 x signed-in floor; search (public and signed in) >= 0.3 x its floor and p50(N y) <= 2 x p50(1 y);
every other page p50(N y) <= 1.2 x p50(1 y); SQL queries per page equal at 1 and N years (counted in-process,
built with the fragment cache off and again warm with it on); no errors. Search is not in the cached phase: the
page cache never stores a request with a query string.
"""

import argparse
import contextlib
import csv
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("BENCH_URLCONF", "bench.urls")  # read by kcsp/settings/test.py when Django starts

from benchdb import bench_database  # noqa: E402  (starts Django)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

HERE = Path(__file__).resolve().parent
# As served: fragments of pages on (FRAGMENT_CACHE_SECONDS=300, production's setting), page cache off or on; and
# "built": both off, so every page (and search, whose bench query repeats) is made from the database each time.
SERVERS = {
    "uncached": {"PAGE_CACHE_SECONDS": 0, "FRAGMENT_CACHE_SECONDS": 300},
    "cached": {"PAGE_CACHE_SECONDS": 60, "FRAGMENT_CACHE_SECONDS": 300},
    "built": {"PAGE_CACHE_SECONDS": 0, "FRAGMENT_CACHE_SECONDS": 0},
}
TARGET_FLOOR = {"public": 0.5, "cached": 0.9, "signed in": 0.5, "search": 0.3}
TARGET_GROWTH = {"search": 2.0, "other": 1.2}


def rows_of(floors, page_list) -> list[tuple[str, object, str, str | None]]:
    """(row label, page, server, floor label or None for a floor run), each floor run just before its pages and
    again just after them (the machine is shared: its reference is the mean of the two runs)."""
    public = [p for p in page_list if p.kind == "public"]
    signed_in = [p for p in page_list if p.kind == "signed in"]
    rows = []
    for floor, server, group in (
        (floors["public"], "uncached", [(p.label, p) for p in public]),
        (floors["signed in"], "uncached", [(p.label, p) for p in signed_in]),
        (floors["cached"], "cached", [(f"{p.label}, page cache", p) for p in public if not p.search]),
        (floors["public"], "built", [(f"{p.label}, built", p) for p in public]),
        (floors["signed in"], "built", [(f"{p.label}, built", p) for p in signed_in]),
    ):
        suffix = ", built" if server == "built" else ""
        rows.append((f"{floor.label}{suffix} {AGAIN[0]}", floor, server, None))
        rows += [(label, page, server, f"{floor.label}{suffix}") for label, page in group]
        rows.append((f"{floor.label}{suffix} {AGAIN[1]}", floor, server, None))
    return rows


AGAIN = ("(before)", "(after)")


def floors_combined(rows, results, size) -> None:
    """Each floor's reference figures: the mean of its runs before and after its pages."""
    for label in {floor for *_, floor in rows if floor}:
        runs = [results[size, f"{label} {when}"] for when in AGAIN]
        results[size, label] = {key: sum(run[key] for run in runs) / 2 for key in ("rps", "p50", "p95")} | {
            "requests": sum(run["requests"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
        }


def query_counts(page_list) -> dict[str, str]:
    """{label: "built/warm"}: queries of one request with the fragment cache off, and with it on once warm."""
    counts = {}
    for page in page_list:
        figures = []
        for seconds in (0, 300):
            settings.FRAGMENT_CACHE_SECONDS = seconds
            client = Client()
            if page.session:
                client.cookies[settings.SESSION_COOKIE_NAME] = page.session
            client.get(page.path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
            figures.append(len(captured.captured_queries))
        counts[page.label] = "/".join(map(str, figures))
    settings.FRAGMENT_CACHE_SECONDS = 0
    return counts


def warm(url: str, session: str | None, users: int) -> None:
    """Two requests per user, `users` at a time, first: every gunicorn worker and the fragment cache are warm
    when the timing starts."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"} if session else {}

    def get(_):
        with contextlib.suppress(OSError):  # an error page: locust counts it
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60).read()  # noqa: S310

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(get, range(2 * users)))


def drive(page, *, port: int, users: int, seconds: int, out: Path) -> dict:
    """One headless locust run against one page; answers requests, errors, requests/s, p50 and p95 (ms)."""
    warm(f"http://127.0.0.1:{port}{page.path}", page.session, users)
    env = {**os.environ, "BENCH_PATH": page.path, "BENCH_SESSION": page.session or "",
           "BENCH_COOKIE": settings.SESSION_COOKIE_NAME}  # fmt: skip
    subprocess.run(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(users),
         "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(out), "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0"],
        check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{out}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")

    def number(text: str) -> float:
        return float("nan") if text in ("", "N/A") else float(text)  # N/A: no request finished in time

    return {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
            "rps": number(row["Requests/s"]), "p50": number(row["50%"]), "p95": number(row["95%"])}  # fmt: skip


def data_line(years: int) -> str:
    from dhr.models import Case
    from grants.models import Bid
    from meetings.models import AgendaItem, Meeting, Minute
    from search.models import SearchDocument

    return (
        f"{years} year(s): {Meeting.objects.count()} meetings, {AgendaItem.objects.count()} items and papers, "
        f"{Minute.objects.count()} minutes, {Bid.objects.count()} bids, {Case.objects.count()} DHR cases, "
        f"{SearchDocument.objects.count()} search documents"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6, help="seconds of load for each page at each data size")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes per server")
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    started = time.monotonic()

    import loaddata
    from django.core.cache import cache

    from kcsp.testing import free_port, start_web, stop_process

    with tempfile.TemporaryDirectory() as media, bench_database("kcsp_bench_load"):
        settings.MEDIA_ROOT = media
        cache.clear()  # the test Redis of this checkout: nothing cached by an earlier run survives
        servers, ports, results, counts, data = {}, {}, {}, {}, {}
        try:
            people = loaddata.people_make()
            for size, (first, last) in ((1, (1, 1)), (args.years, (2, args.years))):
                load_started = time.monotonic()
                for year in loaddata.years(first, last):
                    loaddata.load_year(year, people)
                loaddata.loaded()
                if size == 1:
                    sessions = loaddata.bench_users(people)
                data[size] = f"{data_line(size)}; loaded in {time.monotonic() - load_started:.0f} s"
                print(data[size], flush=True)
                page_list = loaddata.pages(sessions)
                floors = loaddata.floors(sessions)
                counts[size] = query_counts(page_list)
                if not servers:
                    for name, env in SERVERS.items():
                        ports[name] = free_port()
                        servers[name] = start_web(
                            ports[name], Path(media) / f"web-{name}.log", workers=args.workers, CONN_MAX_AGE=60,
                            MEDIA_ROOT=media, BENCH_URLCONF="bench.urls", **env,
                        )  # fmt: skip
                rows = rows_of(floors, page_list)
                for n, (label, page, server, _) in enumerate(rows):
                    results[size, label] = drive(page, port=ports[server], users=args.users, seconds=args.seconds,
                                                 out=Path(media) / f"y{size}-{n}")  # fmt: skip
                floors_combined(rows, results, size)
        finally:
            for process in servers.values():
                stop_process(process)
        print(f"{args.users} users; three gunicorn servers with {args.workers} workers each; each page {args.seconds} "
              f"s alone at each data size; ratio = a page's requests/s over its floor's")  # fmt: skip
        report(rows, results, counts, args.years)
    print(f"total time {time.monotonic() - started:.0f} s")


def share(part: float, whole: float) -> float:
    """part / whole, NaN when whole is 0 or NaN (a run in which nothing finished)."""
    return part / whole if whole and whole == whole else float("nan")


def verdict(met: bool, text: str) -> str:
    return f"{'MET' if met else 'MISSED'} {text}"


def report(rows, results, counts, years):
    """The table, each target MET or MISSED, and the summary line."""
    big = years
    head = (f"{'page':46} {'req/s 1y':>8} {f'{big}y':>6} {'x floor 1y':>10} {f'{big}y':>5} {'target':16} "
            f"{'p50 1y':>6} {f'{big}y':>5} {'p95 1y':>6} {f'{big}y':>5} {f'{big}y/1y':>6} {'target':14} "
            f"{'err':>4} {'queries 1y':>10} {f'{big}y':>7}")  # fmt: skip
    print(head)
    print("(queries: built with the fragment cache off / warm with it on; ms are locust's, under load)")
    met = missed = errors = 0
    for label, page, server, floor in rows:
        one, ten = results[1, label], results[big, label]
        errors += one["errors"] + ten["errors"]
        floor_target = growth_target = ""
        if floor is not None:
            ratio1 = share(one["rps"], results[1, floor]["rps"])
            ratio10 = share(ten["rps"], results[big, floor]["rps"])
            need = TARGET_FLOOR["search" if page.search else ("cached" if server == "cached" else page.kind)]
            floor_target = verdict(ratio10 >= need, f">= {need}")
            limit = TARGET_GROWTH["search" if page.search else "other"]
            growth = share(ten["p50"], one["p50"])
            growth_target = verdict(growth <= limit, f"<= {limit}")
            for ok in (ratio10 >= need, growth <= limit):  # NaN (nothing finished) is MISSED
                met, missed = met + ok, missed + (not ok)
        else:
            growth = share(ten["p50"], one["p50"])
        queries1 = counts[1].get(page.label, "-") if server == "uncached" and floor else "-"
        queries10 = counts[big].get(page.label, "-") if server == "uncached" and floor else "-"
        ratios = f"{ratio1:>10.2f} {ratio10:>5.2f}" if floor else f"{'':>10} {'':>5}"
        print(
            f"{label[:46]:46} {one['rps']:>8.1f} {ten['rps']:>6.1f} {ratios} {floor_target:16} "
            f"{one['p50']:>6.0f} {ten['p50']:>5.0f} {one['p95']:>6.0f} {ten['p95']:>5.0f} {growth:>6.2f} "
            f"{growth_target:14} {one['errors'] + ten['errors']:>4} {queries1:>10} {queries10:>7}"
        )
    print("floors' references (mean of the runs before and after their pages), requests/s at 1y and at "
          f"{big}y:")  # fmt: skip
    for label in dict.fromkeys(floor for *_, floor in rows if floor):
        print(f"  {label:46} {results[1, label]['rps']:>8.1f} {results[big, label]['rps']:>8.1f}")
    print(f"queries per page, 1y and {big}y (target equal):")
    for label, built in counts[1].items():
        same = built == counts[big][label]
        met, missed = met + same, missed + (not same)
        print(f"  {label:46} {built:>7} {counts[big][label]:>7}  {verdict(same, 'equal')}")
    met, missed = met + (errors == 0), missed + (errors != 0)
    print(f"errors: {errors}  {verdict(errors == 0, '= 0')}")
    print(f"{met} targets MET, {missed} MISSED")


if __name__ == "__main__":
    main()
