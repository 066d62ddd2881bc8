"""What `make run` uses: DATABASE_URL if set, else local PostgreSQL if it answers, else SQLite.

Run as `python -m kcsp.dbchoice` it prints shell `export` lines for the run script
and says on stderr which database and task mode were chosen.
"""

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOCAL_POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "kcsp"}
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "kcsp.sqlite3"


@dataclass(frozen=True)
class RunChoice:
    database_url: str
    redis_url: str
    celery_eager: bool
    note: str


def postgres_answers(*, host: str, port: int, user: str, dbname: str, timeout: int = 2) -> bool:
    """Connect to the server (creating the database if it is missing); False if nothing answers."""
    import psycopg2
    from psycopg2 import sql

    try:
        conn = psycopg2.connect(host=host, port=port, user=user, dbname="postgres", connect_timeout=timeout)
    except psycopg2.Error:
        return False
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except psycopg2.Error as error:
        print(f"PostgreSQL answered but the {dbname} database could not be made ready: {error}", file=sys.stderr)
        return False
    finally:
        conn.close()
    return True


def redacted(url: str) -> str:
    """A URL fit to print: any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def redis_answers(url: str, timeout: float = 2) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except redis.RedisError:
        return False


def choose(
    environ: dict,
    local_postgres: dict = LOCAL_POSTGRES,
    local_redis_url: str = LOCAL_REDIS_URL,
    sqlite_path: Path = SQLITE_PATH,
) -> RunChoice:
    """Pick the database and whether Celery needs a worker, and say why in one sentence each."""
    if environ.get("DATABASE_URL"):
        database_url, db_note, embedded = environ["DATABASE_URL"], "Using the database in DATABASE_URL.", False
    elif postgres_answers(**local_postgres):
        database_url = "postgres://{user}@{host}:{port}/{dbname}".format(**local_postgres)
        db_note = "Using the local PostgreSQL at {host}:{port}, database {dbname}.".format(**local_postgres)
        embedded = False
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        database_url, embedded = f"sqlite:///{sqlite_path}", True
        db_note = f"No PostgreSQL answered: using the embedded SQLite file {sqlite_path}."

    redis_url = environ.get("REDIS_URL") or local_redis_url
    if embedded:
        eager, task_note = True, "Celery tasks run eagerly in the web process (no worker)."
    elif environ.get("REDIS_URL") or redis_answers(redis_url):
        eager, task_note = False, f"Celery worker on the Redis at {redacted(redis_url)}."
    else:
        eager, task_note = True, "No Redis answered: Celery tasks run eagerly in the web process (no worker)."
    return RunChoice(database_url, redis_url, eager, f"{db_note} {task_note}")


def main() -> None:
    choice = choose(dict(os.environ))
    print(f"export DATABASE_URL={shlex.quote(choice.database_url)}")
    print(f"export REDIS_URL={shlex.quote(choice.redis_url)}")
    print(f"export CELERY_TASK_ALWAYS_EAGER={'true' if choice.celery_eager else 'false'}")
    print(f"export KCSP_DATABASE_NOTE={shlex.quote(choice.note)}")
    print(choice.note, file=sys.stderr)


if __name__ == "__main__":
    main()
