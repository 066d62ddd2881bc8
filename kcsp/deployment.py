"""Checks production settings make before starting: each answers a message naming the setting, or ''."""

from email.utils import parseaddr
from urllib.parse import urlsplit

# Names that never reach a real reader: loopback and the RFC 2606 / RFC 6761 reserved names.
UNSPECIFIED = "0.0.0.0"  # noqa: S104  (a name to refuse, not an address to bind)
PLACEHOLDER_HOSTS = ("localhost", "127.0.0.1", "::1", UNSPECIFIED, "example.com", "example.org", "example.net")
PLACEHOLDER_SUFFIXES = (".localhost", ".example", ".test", ".invalid", ".local", *(f".{h}" for h in PLACEHOLDER_HOSTS))


def _placeholder(host: str) -> bool:
    host = host.lower().strip(".[]")
    return not host or "." not in host or host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES)


def site_url_problem(site_url: str) -> str:
    """SITE_URL starts every link in e-mails: it must be https and the site's real host."""
    parts = urlsplit(site_url or "")
    if parts.scheme != "https" or _placeholder(parts.hostname or ""):
        return f"SITE_URL must be the site's https address in production (links in e-mails use it), not {site_url!r}."
    return ""


def from_email_problem(from_email: str) -> str:
    """DEFAULT_FROM_EMAIL must be a real mailbox: not empty, localhost or an example domain."""
    address = parseaddr(from_email or "")[1]
    domain = address.rpartition("@")[2]
    if "@" not in address or _placeholder(domain):
        return (
            "DEFAULT_FROM_EMAIL must be the partnership's real sender address in production "
            f"(e.g. 'Kent Community Safety Partnership <kcsp@kent.gov.uk>'), not {from_email!r}."
        )
    return ""


def _redis_database(url: str) -> tuple:
    parts = urlsplit(url or "")
    return (parts.hostname, parts.port or 6379, parts.path.strip("/") or "0")


def cache_url_problem(cache_url: str, redis_url: str) -> str:
    """The page cache must not share the Celery broker's Redis database (same host, port and number)."""
    if _redis_database(cache_url) == _redis_database(redis_url):
        return "CACHE_URL must name a different Redis database from REDIS_URL (the Celery broker) in production."
    return ""
