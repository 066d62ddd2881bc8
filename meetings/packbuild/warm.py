"""A pack worker's start-up costs, paid once when its process starts rather than by the first pack it builds.

Measured by bench/pack.py ("worker warm-up"): the first WeasyPrint document with the print font stack
(templates/kcsp/pdf/base_style.html) takes about 1.5 s longer than the next (Fontconfig and Pango load every
script's font), and the page-number stamps of a pack (stamp.py) about 9 ms each until this process has them.
Run from Celery's `worker_process_init` (kcsp/celery.py) in every worker process."""

import logging
import time

logger = logging.getLogger(__name__)

WARM_PAGES = 120  # "Page 1" … "Page 120": a public pack of that many pages stamps nothing new


def pack_worker_warm_up(pages: int = WARM_PAGES) -> float:
    """Load the print fonts into this thread's shared FontConfiguration (kcsp.pdf.font_config), render the blank
    page and the public packs' page stamps "Page 1" … "Page <pages>" into this process's caches (stamp.py).

    Returns the seconds it took. Never raises: a worker that could not warm up builds packs as before, its first
    build is only slower (the failure is logged)."""
    start = time.perf_counter()
    try:
        from .stamp import _render, blank_page_pdf

        blank_page_pdf()
        _render([("", f"Page {n}") for n in range(1, pages + 1)])
    except Exception:  # noqa: BLE001 - a warm-up is an optimisation, never a reason for a worker not to start
        logger.exception("Pack worker warm-up failed")
    return time.perf_counter() - start
