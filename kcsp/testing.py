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


def opened(client, url: str, data: dict) -> dict:
    """POST data for an edit page as a browser sends it: `data` plus the record version the page carries now
    (kcsp/locking.py refuses a save without it)."""
    from kcsp.locking import VERSION_FIELD

    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    form = page.context["adminform"].form if "adminform" in page.context else page.context["form"]
    return {**data, VERSION_FIELD: form[VERSION_FIELD].value()}


def otp_verify(client, user):
    """Give the user an authenticator app and mark the client's session as having entered a code from it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_now(device) -> str:
    """The code the device's app would show now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(**overrides) -> dict:
    """The environment for a web or worker process on the same test database, Redis and media as this one."""
    import os

    from django.conf import settings

    database = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="kcsp.settings.test",
        KCSP_READ_DOT_ENV="false",
        TEST_DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        TEST_REDIS_URL=settings.CELERY_BROKER_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def start_process(args: list[str], env: dict, log_path):
    """A child in its own process group, so a test can kill it and everything it started at once."""
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    log = open(log_path, "wb")  # noqa: SIM115  (closed with the process by stop_process)
    process = subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-m", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    process.log = log
    return process


def stop_process(process, sig=None) -> None:
    import contextlib
    import os
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig or signal.SIGTERM)
    process.wait(timeout=30)
    process.log.close()


def all_queues() -> str:
    """Every queue of CELERY_TASK_QUEUES, as `-Q` takes them: "packs,email,default"."""
    from django.conf import settings

    return ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)


def start_worker(log_path, *, queues: str = "", concurrency: int = 1, name: str = "", **env):
    """A real Celery worker process (prefork, `concurrency` children) on the test broker, consuming `queues`
    (comma-separated; every queue by default, so no task waits for a worker that is not there)."""
    args = [
        "celery",
        "-A",
        "kcsp",
        "worker",
        "-P",
        "prefork",
        "-c",
        str(concurrency),
        "-Q",
        queues or all_queues(),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    if name:
        args += ["-n", name]
    return start_process(args, child_env(**env), log_path)


def start_web(port: int, log_path, *, workers: int = 1, **env):
    """The app under gunicorn on loopback; returns once it answers."""
    import time
    import urllib.request

    args = ["gunicorn", "kcsp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "-"]
    process = start_process(args, child_env(DJANGO_SETTINGS_MODULE="kcsp.settings.test", **env), log_path)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accessibility/", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    stop_process(process)
    raise RuntimeError(f"gunicorn did not start: see {log_path}")


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# A production environment that passes every start-up check; a test drops or changes one entry.
PRODUCTION_ENV = {
    "SECRET_KEY": "kcsp-production-test-key-" + "q7Vx2mP9sL4tR8wZ3nB6yC1dF5gH0jK",
    "ALLOWED_HOSTS": "kcsp.kent.gov.uk",
    "SITE_URL": "https://kcsp.kent.gov.uk",
    "DEFAULT_FROM_EMAIL": "Kent Community Safety Partnership <kcsp@kent.gov.uk>",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def manage_production(*args, timeout: int = 120, **env):
    """Run `manage.py <args>` under production settings; env entries override PRODUCTION_ENV (None drops one)."""
    return run_production(["manage.py", *args], timeout=timeout, **env)


def import_production_settings(**env):
    """Only import the production settings module in a child (fast: no apps loaded); env as above."""
    return run_production(["-c", "import kcsp.settings.production"], **env)


def run_production(command: list[str], timeout: int = 120, **env):
    import os
    import subprocess
    import sys

    from django.conf import settings

    dropped = (*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "EMAIL_URL")
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update(DJANGO_SETTINGS_MODULE="kcsp.settings.production", KCSP_READ_DOT_ENV="false")
    environ.update({k: str(v) for k, v in {**PRODUCTION_ENV, **env}.items() if v is not None})
    return subprocess.run(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pdfinfo(pdf: bytes, *options: str) -> str:
    """What poppler's `pdfinfo` (Debian poppler-utils, in the Makefile's TEST_DEBS) prints for the PDF bytes."""
    import shutil
    import subprocess

    command = [shutil.which("pdfinfo") or "/usr/bin/pdfinfo", *options, "-"]
    done = subprocess.run(command, input=pdf, capture_output=True, timeout=60, check=True)  # noqa: S603 (fixed arguments)
    return done.stdout.decode()


def pdfinfo_struct(pdf: bytes) -> str:
    """`pdfinfo -struct`: the PDF's structure tree as poppler reads it, an element a line, indented two spaces
    a level ("Document", "  H1 (block)"); empty for an untagged PDF."""
    return pdfinfo(pdf, "-struct")


def pdf_changed(pdf: bytes, change) -> bytes:
    """A copy of `pdf` with `change(doc)` applied by pikepdf (a broken or altered file for a test)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        change(doc)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
