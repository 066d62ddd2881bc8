"""The pack reader on a 200-page pack: time from navigation to page 1 painted, against downloading the PDF alone.

Run: .venv/bin/python bench/reader_open.py   (throw-away database kcsp_bench_reader, temporary media, Django's live
server on loopback, Debian's Chromium through Playwright). Both times are taken in the same browser, each round in a
fresh context (nothing cached): the floor is fetching the reader's whole PDF (meetings:pack_reader_file) with
fetch(); the reader is the page itself (HTML, PDF.js and its worker, the ranges page 1 needs, the first paint).
It also counts the reader's requests for the PDF that carried a Range header and the bytes they brought, and the
pages holding a canvas after a jump to the last page (PDF.js renders the visible pages only: memory stays bounded).
"""

import statistics
import sys
from pathlib import Path

from benchdb import bench_database, bench_media
from django.conf import settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))

ROUNDS = 5
TARGET_S = 1.0


def live_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("localhost", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://localhost:{server.port}"


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def fresh_page(browser, base: str, cookie: str):
    context = browser.new_context()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context, context.new_page()


def download_once(browser, base, cookie, file_url) -> float:
    context, page = fresh_page(browser, base, cookie)
    page.goto(f"{base}/accessibility/")  # same origin, so fetch() carries the session
    seconds = page.evaluate(
        "async url => { const t = performance.now(); const r = await fetch(url);"
        " await r.arrayBuffer(); return (performance.now() - t) / 1000 }",
        file_url,
    )
    context.close()
    return seconds


# When each part of the opening had arrived (ms since navigation): the page, PDF.js's modules, its worker, the PDF.
PHASES = """() => {
  const done = (part) => Math.max(0, ...performance.getEntriesByType('resource')
    .filter((e) => e.name.includes(part)).map((e) => Math.round(e.responseEnd)))
  const nav = performance.getEntriesByType('navigation')[0]
  return {page: Math.round(nav.responseEnd), 'pdf.min.mjs': done('pdf.min.mjs'),
    'pdf_viewer.mjs': done('pdf_viewer.mjs'), worker: done('pdf.worker'),
    'PDF requests': performance.getEntriesByType('resource').filter((e) => e.name.includes('reader.pdf'))
      .map((e) => `${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`).join(' ')}
}"""


def reader_once(browser, base, cookie, reader_url) -> tuple:
    context, page = fresh_page(browser, base, cookie)
    ranges = []
    page.on("request", lambda r: ranges.append(r) if "reader.pdf" in r.url and "range" in r.headers else None)
    page.goto(reader_url)
    page.wait_for_function("() => document.getElementById('kcsp-reader').dataset.renderedMs")
    seconds = int(page.evaluate("document.getElementById('kcsp-reader').dataset.renderedMs")) / 1000
    phases = page.evaluate(PHASES)
    fetched = sum(int(r.response().headers.get("content-length", 0)) for r in ranges if r.response())
    page.locator("#reader-page").fill(page.locator("#reader-count").inner_text().removeprefix("of "))
    page.locator("#reader-page").press("Enter")
    page.wait_for_timeout(1500)
    canvases = page.evaluate("document.querySelectorAll('.page canvas').length")
    context.close()
    return seconds, len(ranges), fetched, canvases, phases


def main():
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from pack import make_meeting
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, QUIET_FLAGS
    from kcsp import roles
    from kcsp.models import User
    from meetings.models import Pack
    from meetings.packbuild.service import pack_build

    meeting = make_meeting(written=20, uploaded=20, upload_pages=5)
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    if "--linearized" in sys.argv:  # what "fast web view" (page 1's objects first) would change: not built so today
        import pikepdf

        with pikepdf.open(pack.file.path, allow_overwriting_input=True) as pdf:
            pdf.save(pack.file.path, linearize=True)
    size = Path(pack.file.path).stat().st_size
    user = User.objects.create_user(email="reader@bench.example", password="bench-reader-password")
    user.groups.add(Group.objects.get(name=roles.MEMBER))
    server, base = live_server()
    cookie = session_cookie(user)
    file_url = base + reverse("meetings:pack_reader_file", args=[meeting.pk, "public"])
    reader_url = base + reverse("meetings:pack_reader", args=[meeting.pk, "public"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        download_once(browser, base, cookie, file_url)  # warm the server (first request, static finders)
        reader_once(browser, base, cookie, reader_url)
        downloads, opens = [], []
        for _ in range(ROUNDS):
            downloads.append(download_once(browser, base, cookie, file_url))
            opens.append(reader_once(browser, base, cookie, reader_url))
        browser.close()
    server.terminate()
    download = statistics.median(downloads)
    first_paint = statistics.median(o[0] for o in opens)
    _, requests, fetched, canvases, phases = opens[-1]
    print(f"pack: {pack.page_count} pages, {size / 1024 / 1024:.1f} MB; median of {ROUNDS} fresh browser contexts")
    print(f"download the whole PDF alone (fetch):   {download:6.3f} s")
    print(
        f"reader, navigation to page 1 painted:   {first_paint:6.3f} s = {first_paint / download:.2f}x the download "
        f"(target <= {TARGET_S:.0f} s: {'met' if first_paint <= TARGET_S else 'NOT met'})"
    )
    print(
        "  last round, ms after navigation when each had arrived: " + ", ".join(f"{k} {v}" for k, v in phases.items())
    )
    print(
        f"range requests for the PDF: {requests} ({fetched / 1024:.0f} KB of {size / 1024:.0f} KB fetched by then and "
        f"on the jump to the last page); pages holding a canvas after the jump: {canvases} of {pack.page_count}"
    )


if __name__ == "__main__":
    with bench_media(), bench_database("kcsp_bench_reader"):
        main()
