"""`make run` picks its database as the README says: DATABASE_URL, then local PostgreSQL, then SQLite."""

import uuid

import psycopg2
import pytest

from kcsp.dbchoice import LOCAL_POSTGRES, choose

NOTHING_LISTENS = {"host": "127.0.0.1", "port": 1, "user": "postgres", "dbname": "kcsp"}
NO_REDIS = "redis://127.0.0.1:1/0"


def test_database_url_is_used_when_set(tmp_path):
    choice = choose({"DATABASE_URL": "postgres://u@db.example:5432/x"}, sqlite_path=tmp_path / "db.sqlite3")
    assert choice.database_url == "postgres://u@db.example:5432/x"
    assert "DATABASE_URL" in choice.note
    assert not any(tmp_path.iterdir()), "no SQLite file or folder is made when DATABASE_URL is set"


def test_local_postgres_is_used_when_it_answers_and_its_database_is_created():
    dbname = f"kcsp_choice_{uuid.uuid4().hex[:8]}"
    local = {**LOCAL_POSTGRES, "dbname": dbname}
    try:
        choice = choose({}, local_postgres=local)
        assert choice.database_url == f"postgres://postgres@127.0.0.1:5432/{dbname}"
        assert not choice.celery_eager
        assert "local PostgreSQL" in choice.note
        conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=dbname)
        conn.close()
    finally:
        conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.close()


def test_sqlite_with_eager_celery_when_no_postgres_answers(tmp_path):
    choice = choose({}, local_postgres=NOTHING_LISTENS, sqlite_path=tmp_path / "var" / "kcsp.sqlite3")
    assert choice.database_url == f"sqlite:///{tmp_path / 'var' / 'kcsp.sqlite3'}"
    assert choice.celery_eager
    assert (tmp_path / "var").is_dir()
    assert "SQLite" in choice.note and "eagerly" in choice.note


@pytest.mark.parametrize(
    ("environ", "redis_url", "eager"),
    [
        ({"REDIS_URL": "redis://broker.example:6379/2"}, "redis://broker.example:6379/2", False),
        ({}, NO_REDIS, True),
        ({}, "redis://127.0.0.1:6379/0", False),
    ],
)
def test_celery_needs_a_worker_only_when_redis_is_there(environ, redis_url, eager):
    choice = choose({"DATABASE_URL": "postgres://x@y/z", **environ}, local_redis_url=redis_url)
    assert choice.celery_eager is eager
    assert choice.redis_url == redis_url
