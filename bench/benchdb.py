"""A throw-away database on the test PostgreSQL for benchmark scripts."""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcsp.settings.test")

import django  # noqa: E402

django.setup()


@contextlib.contextmanager
def bench_database(name: str):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PACK_STRUCTURE_CHECK = False  # as in production: the tests read every pack back, a worker does not
    settings.DATABASES["default"]["TEST"]["NAME"] = name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


@contextlib.contextmanager
def bench_media():
    """MEDIA_ROOT in a temporary folder, removed afterwards: packs built by a benchmark leave nothing behind."""
    import shutil
    import tempfile

    from django.conf import settings

    media = tempfile.mkdtemp(prefix="kcsp-bench-")
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        shutil.rmtree(media, ignore_errors=True)
