"""The DHR access log as a CSV, marked OFFICIAL-SENSITIVE, through the one exporter (kcsp.exports)."""

from kcsp.exports import OFFICIAL_SENSITIVE, table_csv

ACCESS_LOG_COLUMNS = ["When", "Who", "E-mail", "Action", "Case", "What", "Path", "IP address"]


def access_log_csv(entries) -> bytes:
    """Every entry of `entries` (AccessLog rows), newest first as the log page shows them, times in local time."""
    rows = (
        [
            entry.at,
            entry.user.get_full_name(),
            entry.user.email,
            entry.get_action_display(),
            str(entry.case) if entry.case else "",
            entry.what,
            entry.path,
            entry.ip_address,
        ]
        for entry in entries.select_related("user", "case").iterator()
    )
    return table_csv(ACCESS_LOG_COLUMNS, rows, marking=OFFICIAL_SENSITIVE)
