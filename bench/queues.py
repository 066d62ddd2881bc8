"""Scale-out of pack builds: the packs of 8 meetings built by ONE worker on the "packs" queue, then by TWO.

Real Celery worker processes (kcsp.testing.start_worker, as the fault tests start them: prefork, acks late) consume
only `-Q packs`; pack requests go through the real Redis broker (TEST_REDIS_URL: this checkout's own db). "Two
workers" are two worker processes with one child each (default), or one worker with `--concurrency 2` (flag
`--concurrency`). Each timed round starts from an empty part cache (every paper renders again), after an untimed
warm-up build. Wall clock runs from the first request sent to the last pack ready. Compare the speed-up with the
machine's CPUs (printed): two workers cannot beat one by more than the idle CPUs allow.

Run: .venv/bin/python bench/queues.py [--meetings 8] [--papers 6] [--rounds 1] [--concurrency]
(throw-away database kcsp_bench_queues on the test PostgreSQL, temporary media)
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_database, bench_media
from django.conf import settings

PROSE = "The partnership reviewed the delivery of the action plan across the districts and boroughs. " * 40
QUEUES = ("packs", "email", "default")


def meeting_with_papers(papers: int):
    """A published meeting whose papers differ from every other meeting's: the part cache (keyed on content)
    reuses nothing across meetings, so each build renders all its papers."""
    from meetings.models import AgendaItem, Paper, PaperSection
    from meetings.tests.factories import published_meeting

    meeting = published_meeting()
    for position in range(1, papers + 1):
        title = f"Report {position} to meeting {meeting.pk}"
        item = AgendaItem.objects.create(meeting=meeting, section="B", position=position, title=title)
        paper = Paper.objects.create(item=item, format="written", subject=title)
        for n in range(1, 4):
            body = f"{title}, part {n}. {PROSE}\n\n{PROSE}"
            PaperSection.objects.create(paper=paper, position=n, heading=f"Part {n}", body=body)
    return meeting


def start_workers(count: int, concurrency: int, logs: Path) -> list:
    """`count` worker processes on the packs queue only; returns once each has logged that it is ready."""
    from kcsp.testing import start_worker, wait_until

    workers = []
    for n in range(count):
        log = logs / f"worker-{len(list(logs.iterdir()))}.log"
        process = start_worker(log, queues="packs", concurrency=concurrency, name=f"packs{n}@%h")
        process.log_path = log
        workers.append(process)
    for process in workers:
        wait_until(lambda p=process: b" ready." in p.log_path.read_bytes(), timeout=120, what="a worker to start")
    return workers


def group_cpu(groups: set[int]) -> float:
    """CPU seconds (user + system) used so far by the live processes of these process groups: each worker started
    by kcsp.testing.start_process leads its own group, with its pool children (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) in groups:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def build_all(meetings: list, *, workers: int, concurrency: int, logs: Path) -> tuple[float, float, int]:
    """(seconds from sending every meeting's public pack request to the last pack ready, CPU seconds the fresh
    workers used meanwhile, most builds running at once)."""
    import redis

    from kcsp.testing import stop_process, wait_until
    from meetings.models import Pack
    from meetings.packbuild.requests import packs_request

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(*QUEUES, "unacked", "unacked_index")  # only this checkout's Redis db (TEST_REDIS_URL)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "pack-cache", ignore_errors=True)
    processes = start_workers(workers, concurrency, logs)
    groups = {process.pid for process in processes}
    try:
        cpu_before = group_cpu(groups)
        started = time.perf_counter()
        for meeting in meetings:
            (pack,) = packs_request(meeting=meeting, kinds=[Pack.Kind.PUBLIC], delay=0)  # autocommit: sent now
            assert pack.sent, "the broker did not take the request"
        ids = [meeting.pk for meeting in meetings]

        def done():
            statuses = list(Pack.objects.filter(meeting_id__in=ids, kind="public").values_list("status", flat=True))
            return len(statuses) == len(ids) and all(s in ("ready", "failed") for s in statuses)

        wait_until(done, timeout=1800, interval=0.05, what="every pack to be built")
        elapsed = time.perf_counter() - started
        cpu = group_cpu(groups) - cpu_before
        spans = Pack.objects.filter(meeting_id__in=ids).values_list("build_started_at", "built_at")
        edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans], key=lambda e: (e[0], e[1]))
        running = overlap = 0
        for _, step in edges:
            running += step
            overlap = max(overlap, running)
        # A pack is ready a moment before its task is acknowledged (acks late): stopping the workers sooner would
        # put the message back on the queue for the next round.
        wait_until(lambda: not broker.hlen("unacked"), timeout=60, what="the workers to acknowledge every task")
    finally:
        for process in processes:
            stop_process(process)
    failed = Pack.objects.filter(meeting_id__in=ids, status="failed").values_list("failure", flat=True)
    assert not failed, f"builds failed: {list(failed)}"
    left = broker.lrange("packs", 0, -1)
    assert not left, f"every request was consumed from the packs queue, not: {left}"
    return elapsed, cpu, overlap


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=8)
    parser.add_argument("--papers", type=int, default=6, help="written papers per meeting (3 sections each)")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds of each configuration")
    parser.add_argument(
        "--concurrency", action="store_true", help="two = one worker process with --concurrency 2 (default: two)"
    )
    args = parser.parse_args()

    from kcsp.celery import app as celery_app

    celery_app.conf.task_always_eager = False  # requests go to the broker; the workers build
    two = (1, 2) if args.concurrency else (2, 1)
    two_label = "1 worker --concurrency 2" if args.concurrency else "2 worker processes (-c 1 each)"
    logs = Path(tempfile.mkdtemp(prefix="kcsp-bench-queues-logs-"))
    with bench_database("kcsp_bench_queues"), bench_media():
        from meetings.models import Pack

        meetings = [meeting_with_papers(args.papers) for _ in range(args.meetings)]
        warm_up = meeting_with_papers(1)
        build_all([warm_up], workers=1, concurrency=1, logs=logs)  # untimed: fonts and modules off the disk
        load_before = os.getloadavg()[0]
        one_runs, two_runs = [], []
        for _ in range(args.rounds):
            one_runs.append(build_all(meetings, workers=1, concurrency=1, logs=logs))
            two_runs.append(build_all(meetings, workers=two[0], concurrency=two[1], logs=logs))
        pages = sorted(Pack.objects.filter(meeting__in=meetings).values_list("page_count", flat=True))
        load_after = os.getloadavg()[0]
    shutil.rmtree(logs, ignore_errors=True)

    def line(label: str, runs: list) -> str:
        # CPU s / wall s: how many CPUs' worth the workers actually got (at most their number of processes).
        rounds = ", ".join(
            f"{wall:.1f} s (workers' CPU {cpu:.1f} s, {cpu / wall:.2f} CPUs; at most {most} builds at once)"
            for wall, cpu, most in runs
        )
        return f"  {label:<32} {rounds}"

    one = statistics.median(run[0] for run in one_runs)
    two_s = statistics.median(run[0] for run in two_runs)
    print(f"Packs of {args.meetings} meetings ({args.papers} written papers each; {min(pages)}-{max(pages)} pages)")
    print(f"CPUs: {os.cpu_count()}; load average {load_before:.1f} before, {load_after:.1f} after")
    print(line("1 worker on -Q packs:", one_runs))
    print(line(f"{two_label}:", two_runs))
    print(f"  speed-up (median wall clock, 1 worker / 2): {one / two_s:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
