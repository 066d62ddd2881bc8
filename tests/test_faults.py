"""Faults injected into real services: a worker killed mid-build, the broker down, database connections cut.

Each test starts its own processes (a Celery worker, gunicorn, a private redis-server) against this
run's test database and Redis db, and never touches the shared servers themselves.
"""

import io
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from kcsp import roles
from kcsp.celery import app as celery_app
from kcsp.testing import free_port, start_web, start_worker, stop_process, wait_until
from meetings.models import AgendaItem, Pack, Paper, PaperSection
from meetings.packbuild.requests import packs_request
from meetings.packbuild.service import pack_build
from meetings.tests.factories import published_meeting

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROSE = "The partnership reviewed the delivery of the action plan across the districts and boroughs. " * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def not_eager():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def meeting_with_papers(papers: int = 8):
    meeting = published_meeting()
    for position in range(1, papers + 1):
        item = AgendaItem.objects.create(meeting=meeting, section="B", position=position, title=f"Report {position}")
        paper = Paper.objects.create(item=item, format="written", subject=f"Report {position}")
        for n in range(1, 4):
            PaperSection.objects.create(paper=paper, position=n, heading=f"Part {n}", body=f"{PROSE}\n\n{PROSE}")
    return meeting


def download(meeting) -> bytes:
    response = Client().get(f"/meetings/{meeting.pk}/packs/public.pdf")
    assert response.status_code == 200
    return response.content


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_worker_killed_mid_build_loses_nothing_and_never_serves_half_a_pack(media, not_eager, tmp_path, capsys):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()  # this run's own Redis db only
    meeting = meeting_with_papers()
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    good = download(meeting)
    Paper.objects.filter(item__position=1).update(subject="Report 1 (revised after the kill)")
    shutil.rmtree(media / "pack-cache")  # every part renders again: a build long enough to interrupt

    packs_request(meeting=meeting, kinds=[Pack.Kind.PUBLIC], delay=0)
    first = start_worker(tmp_path / "worker-1.log")
    try:
        building = wait_until(
            lambda: Pack.objects.filter(meeting=meeting, status="building", progress__startswith="Paper").first(),
            timeout=60,
            what="the build to start",
        )
        assert download(meeting) == good, "while building, the last good pack is served"
    finally:
        stop_process(first, signal.SIGKILL)
    killed_at = time.monotonic()
    pack = Pack.objects.get(pk=building.pk)
    assert pack.status == "building" and pack.file.name == building.file.name
    assert download(meeting) == good, "after the kill, the last good pack is still served, whole"
    assert broker.hlen("unacked") == 1, "the message is held unacknowledged, not lost"

    served = []
    second = start_worker(
        tmp_path / "worker-2.log", CELERY_VISIBILITY_TIMEOUT=3, CELERY_RESTORE_INTERVAL=1, CELERY_RESTORE_THROTTLE=1
    )
    try:

        def ready():
            served.append(download(meeting))
            return Pack.objects.filter(pk=pack.pk, status="ready").first()

        done = wait_until(ready, timeout=90, interval=0.5, what="the redelivered build to finish")
    finally:
        stop_process(second)
    assert done.build_claim == building.build_claim, "the same task, redelivered, finished the build"
    new = download(meeting)
    assert new != good and "revised after the kill" in pdf_text(new)
    for body in served:
        assert body in (good, new), "only ever the old or the new pack, never part of one"
        assert len(PdfReader(io.BytesIO(body)).pages) == done.page_count
    assert broker.hlen("unacked") == 0
    with capsys.disabled():
        print(
            f"\nworker kill: build redelivered and finished {time.monotonic() - killed_at:.1f} s after SIGKILL; "
            f"{len(served)} downloads during recovery, all whole"
        )


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping pooled connections to the old one."""
    celery_app.conf.broker_url = url
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def redis_server(port: int, tmp_path: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(lambda: _pings(port), timeout=10, what="redis-server")
    return server


def _pings(port: int) -> bool:
    try:
        return redis.Redis(port=port, socket_connect_timeout=0.2).ping()
    except redis.ConnectionError:
        return False


def test_with_redis_down_pages_work_a_rebuild_is_kept_and_built_when_it_returns(
    media, not_eager, tmp_path, make_user, capsys
):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = redis_server(port, tmp_path)
    use_broker(url)
    meeting = meeting_with_papers(papers=2)
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    try:
        server.kill()
        server.wait()
        assert not _pings(port)
        for page in (f"/meetings/{meeting.pk}/", "/meetings/", "/agreement/"):
            assert officer.get(page).status_code == 200, page

        started = time.monotonic()
        response = officer.post(f"/meetings/{meeting.pk}/packs/rebuild/", follow=True)
        answered = time.monotonic() - started
        assert response.status_code == 200
        assert "background service that builds packs is unavailable just now" in response.content.decode()
        assert "will be built as soon as it is back" in response.content.decode()
        assert answered < 5, f"the page answered in {answered:.1f} s"
        pack = Pack.objects.get(meeting=meeting, kind=Pack.Kind.PUBLIC)
        assert pack.status == "queued" and pack.awaiting_broker, "the request is kept in PostgreSQL"

        server = redis_server(port, tmp_path)
        worker = start_worker(tmp_path / "worker.log", TEST_REDIS_URL=url)
        try:
            wait_until(
                lambda: Pack.objects.filter(pk=pack.pk, status="ready").exists(),
                timeout=60,
                interval=0.3,
                what="the kept request to be built",
            )
        finally:
            stop_process(worker)
        assert "Re-sent 1 waiting pack requests" in (tmp_path / "worker.log").read_text()
        assert pdf_text(download(meeting))
    finally:
        server.kill()
        server.wait()
        use_broker(settings.CELERY_BROKER_URL)
    with capsys.disabled():
        print(f"\nredis down: rebuild request answered in {answered:.2f} s, kept, and built once Redis returned")


def test_cut_database_connections_are_replaced_on_the_next_request_without_a_restart(tmp_path, capsys):
    meeting_with_papers(papers=1)
    port = free_port()
    web = start_web(port, tmp_path / "web.log", CONN_MAX_AGE=60)
    try:
        page = f"http://127.0.0.1:{port}/meetings/"
        assert urllib.request.urlopen(page, timeout=10).status == 200
        workers_before = Path(f"/proc/{web.pid}/task/{web.pid}/children").read_text().split()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            cut = len(cursor.fetchall())
        assert cut >= 1, "the web worker held a persistent connection, and it was cut"
        for _ in range(3):
            assert urllib.request.urlopen(page, timeout=10).status == 200
        workers_after = Path(f"/proc/{web.pid}/task/{web.pid}/children").read_text().split()
        assert workers_after == workers_before, "the same web worker answered: nothing restarted"
        assert "Traceback" not in (tmp_path / "web.log").read_text()
    finally:
        stop_process(web)
    with capsys.disabled():
        print(f"\ndatabase: {cut} connection(s) terminated; the next requests reconnected in the same process")
