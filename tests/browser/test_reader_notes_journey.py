"""Issue 17's journeys in the member reader: a note written on one device is on the next, on the right text after
rebuilds, flagged when its paper changes; printed pages are exactly those asked for; only public packs go offline."""

import io

import pytest
from pypdf import PdfReader

from kcsp import roles
from kcsp.demo import DEMO_PASSWORD
from meetings import services
from meetings.annotations import annotation_create
from meetings.models import AgendaItem, Annotation, Pack, Paper, PaperSection
from meetings.packbuild.requests import packs_request
from meetings.packbuild.withdraw import pack_withdraw, packs_withdrawals_release
from meetings.tests.factories import CommitteeFactory, MeetingFactory, MembershipFactory

from .test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SENTENCE = "Knife crime in the county fell by a third."
LONG_TEXT = "\n\n".join(
    f"The partnership's work in district {n} continued through the quarter, with partners meeting monthly to "
    "review the plan, share what each agency had learned and agree the next steps for the district's people."
    for n in range(1, 13)
)


@pytest.fixture
def world(make_user, settings, tmp_path):
    """A published meeting: B1 a long paper (pages 2 onwards), B2 the paper annotated, D1 restricted."""
    settings.MEDIA_ROOT = tmp_path
    committee = CommitteeFactory(name="Kent Community Safety Partnership")
    meeting = services.meeting_create(
        committee=committee, starts_at=MeetingFactory.build().starts_at, contact_name="Anna Taylor"
    )
    bodies = {
        "Partnership plan": LONG_TEXT,
        "Knife crime": f"Opening words.\n\n{SENTENCE}\n\nClosing words.",
        "Prevent case": "A restricted case summary.",
    }
    papers = {}
    for title, body in bodies.items():
        item = AgendaItem(
            meeting=meeting,
            section="D" if title == "Prevent case" else "B",
            title=title,
            kind="report",
            restriction_reason="prevent" if title == "Prevent case" else "",
        )
        services.agenda_item_save(item=item)
        paper = Paper.objects.create(item=item, format="written", subject=f"{title} report", summary="Summary.")
        PaperSection.objects.create(paper=paper, position=1, heading="Background", body=body)
        papers[title] = paper
    member = make_user(roles.MEMBER, email="member@journey.example")
    member.set_password(DEMO_PASSWORD)  # signs in as the demo's people do (test_accessibility.sign_in)
    member.save()
    MembershipFactory(committee=committee, person__user=member)
    services.agenda_agree(meeting=meeting, chair=make_user(roles.CHAIR))
    services.meeting_publish(meeting=meeting)  # packs built at once (Celery eager, on commit)
    assert set(meeting.packs.values_list("kind", "status")) >= {("public", "ready"), ("restricted", "ready")}
    return {"meeting": meeting, "papers": papers, "member": member}


def csp_watch(page) -> list[str]:
    """Every Content-Security-Policy refusal the page reports: the reader and its notes need none."""
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else 0)
    return refused


def device(browser, base_url):
    """A new browser context (another "device") with the member signed in: (context, page, CSP refusals)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    refused = csp_watch(page)
    sign_in(page, base_url, "member@journey.example")
    return context, page, refused


def reader_url(base_url, meeting, kind="public"):
    return f"{base_url}/meetings/{meeting.pk}/packs/{kind}/read/"


def reader_open(page, url):
    page.goto(url)
    page.wait_for_function("() => [...document.querySelectorAll('.textLayer')].some(layer => layer.textContent.trim())")
    page.locator("#kcsp-notes-list").wait_for(state="attached")


def text_select(page, text) -> int:
    """Select `text` in whichever rendered page holds it, as a reader's drag would; answers the page number."""
    return page.evaluate(
        """async text => {
            const { quoteRange } = await import('/static/kcsp/reader-highlights.js')
            for (const layer of document.querySelectorAll('.textLayer')) {
                const range = quoteRange(layer, { quote: text })
                if (!range) continue
                const selection = window.getSelection()
                selection.removeAllRanges()
                selection.addRange(range)
                return Number(layer.closest('.page').dataset.pageNumber)
            }
            return null
        }""",
        text,
    )


def highlight_covers(page, text) -> bool:
    """The note's highlight lies over `text` on its page: the marks' box is the text's box."""
    return page.evaluate(
        """async text => {
            const { quoteRange } = await import('/static/kcsp/reader-highlights.js')
            const marks = [...document.querySelectorAll('.kcsp-note-mark')]
            if (!marks.length) return false
            const layer = marks[0].closest('.page').querySelector('.textLayer')
            const range = quoteRange(layer, { quote: text })
            if (!range) return false
            const want = range.getBoundingClientRect()
            const boxes = marks.map(mark => mark.getBoundingClientRect())
            const got = {
                left: Math.min(...boxes.map(b => b.left)), top: Math.min(...boxes.map(b => b.top)),
                right: Math.max(...boxes.map(b => b.right)), bottom: Math.max(...boxes.map(b => b.bottom)),
            }
            const near = (a, b) => Math.abs(a - b) < 3
            return near(got.left, want.left) && near(got.top, want.top)
                && near(got.right, want.right) && near(got.bottom, want.bottom)
        }""",
        text,
    )


def rebuild(meeting):
    """What the officer's "Rebuild packs" button does (PackRebuildView)."""
    packs_withdrawals_release(meeting=meeting)
    packs_request(meeting=meeting, delay=0)
    assert meeting.packs.get(kind="public").status == "ready"


def item_jump(page):
    """Jump to B2 from the agenda beside the pages, and wait for its sentence to be drawn."""
    page.get_by_role("link", name="B2 Knife crime").click()
    page.locator(".textLayer").get_by_text(SENTENCE).wait_for()


def note_item(page):
    return page.locator("#kcsp-notes-list .kcsp-note")


def test_a_note_follows_its_text_across_devices_rebuilds_and_changes_and_pages_print_exactly(
    browser, live_server, world
):
    meeting, papers = world["meeting"], world["papers"]
    url = reader_url(live_server.url, meeting)
    laptop, page, refused = device(browser, live_server.url)
    reader_open(page, url)

    # Jump to the item from the agenda in the side panel.
    item_jump(page)
    annotated_page = text_select(page, SENTENCE)
    assert annotated_page
    page.get_by_role("button", name="Highlight and add a note").click()
    page.get_by_role("textbox", name="Your note").fill("Ask which districts drove the fall.")
    page.get_by_role("button", name="Save note").click()
    note_item(page).first.wait_for()
    assert "Ask which districts drove the fall." in note_item(page).first.inner_text()
    page.locator(".kcsp-note-mark").first.wait_for()
    assert highlight_covers(page, SENTENCE)
    page.wait_for_timeout(1500)  # the reader records its position after a moment on the page
    assert refused == [], refused
    laptop.close()

    # Another device: the note and the position are there.
    tablet, page, refused = device(browser, live_server.url)
    reader_open(page, url)
    note_item(page).first.wait_for()
    assert SENTENCE in note_item(page).first.inner_text()
    resume = page.get_by_role("button", name=f"Resume at page {annotated_page}")
    resume.click()
    page.locator(f'.page[data-page-number="{annotated_page}"] .kcsp-note-mark').first.wait_for()
    assert highlight_covers(page, SENTENCE)

    # The officer changes a different paper and rebuilds: the note is still on the right text, not flagged.
    other = papers["Partnership plan"].sections.get()
    other.body += "\n\nA further paragraph added in correction."
    other.save()
    rebuild(meeting)
    reader_open(page, url)
    item_jump(page)
    page.locator(".kcsp-note-mark").first.wait_for()
    assert highlight_covers(page, SENTENCE)
    text = note_item(page).first.inner_text()
    assert "Paper changed since you wrote this" not in text
    assert "We could not find the highlighted text" not in text

    # The officer changes the annotated paper: the note stays, flagged.
    annotated = papers["Knife crime"].sections.get()
    annotated.body = annotated.body.replace("Closing words.", "Closing words, corrected.")
    annotated.save()
    rebuild(meeting)
    reader_open(page, url)
    note_item(page).first.wait_for()
    assert "Paper changed since you wrote this" in note_item(page).first.inner_text()

    # Printing pages "2-3": the PDF read back holds exactly those pack pages.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/packs/public/pages/")
    page.get_by_role("textbox", name="Pages").fill("2-3")
    with page.expect_request(lambda request: "pages=" in request.url) as sent:
        page.get_by_role("button", name="Get these pages (PDF)").click()
    assert "csrfmiddlewaretoken" not in sent.value.url and "submit=" not in sent.value.url, sent.value.url
    response = page.request.get(sent.value.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.body())).pages
    feet = [pdf_page.extract_text() for pdf_page in pages]
    assert len(pages) == 2
    assert "Page 2" in feet[0] and "Page 3" in feet[1]

    # Changing and deleting the note from the side panel (deleting asks first).
    reader_open(page, url)
    note_item(page).first.get_by_role("button", name="Edit").click()
    page.get_by_role("textbox", name="Your note").fill("Ask for the figures by district.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Ask for the figures by district.").wait_for()
    note_item(page).first.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Yes, delete this note").click()
    page.get_by_text("Note deleted.").wait_for()
    assert note_item(page).count() == 0
    assert not Annotation.objects.exists()
    assert refused == [], refused
    tablet.close()


def saved_urls(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const urls = []
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
            }
            return urls
        }"""
    )


def worker_save(page, urls) -> dict:
    """Ask the service worker directly to keep `urls`, as a tampered page could."""
    return page.evaluate(
        """async urls => {
            const registration = await navigator.serviceWorker.register('/reader-sw.js', { scope: '/' })
            await navigator.serviceWorker.ready
            return await new Promise(resolve => {
                const channel = new MessageChannel()
                channel.port1.onmessage = event => resolve(event.data)
                registration.active.postMessage({ type: 'save', pack: urls, assets: [] }, [channel.port2])
            })
        }""",
        urls,
    )


def test_public_packs_are_read_offline_and_dropped_when_withdrawn_and_restricted_never_kept(
    browser, live_server, world
):
    meeting = world["meeting"]
    context, page, refused = device(browser, live_server.url)
    public = reader_url(live_server.url, meeting)
    reader_open(page, public)
    page.get_by_role("button", name="Save for offline reading").click()
    page.get_by_text("Saved on this device").wait_for()
    kept = saved_urls(page)
    assert public in kept and any(url.endswith("/packs/public/reader.pdf") for url in kept)

    context.set_offline(True)
    reader_open(page, public)
    item_jump(page)  # the pages PDF.js asks for by range, answered from the saved file
    pdf = public.replace("read/", "reader.pdf")
    first = page.evaluate(
        "async url => { const r = await fetch(url, {headers: {Range: 'bytes=0-99'}});"
        " return [r.status, (await r.arrayBuffer()).byteLength] }",
        pdf,
    )
    assert first == [206, 100]
    probe = f"{pdf}?not-saved"  # through the worker, not in its cache
    assert page.evaluate("url => fetch(url).then(() => 'network', () => 'offline')", probe) == "offline"
    assert page.get_by_text("Your notes are not available while you are offline.").count() == 1
    assert page.locator("#kcsp-notes-empty").is_hidden(), "the offline message alone, not also 'no notes yet'"
    names = ("Highlight and add a note", "Add a note to this page")
    writing = [page.get_by_role("button", name=name) for name in names]
    assert all(button.is_disabled() for button in writing)
    context.set_offline(False)
    for button in writing:
        page.wait_for_function("button => !button.disabled", arg=button.element_handle())
    page.locator("#kcsp-notes-empty").wait_for()  # back online: the notes (none yet) are loaded

    # Restricted: no offer to save, and the worker refuses even when asked directly.
    restricted = reader_url(live_server.url, meeting, "restricted")
    reader_open(page, restricted)
    assert page.get_by_role("button", name="Save for offline reading").count() == 0
    answer = worker_save(page, [restricted, restricted.replace("read/", "reader.pdf")])
    assert answer["saved"] is False
    assert not [url for url in saved_urls(page) if "/packs/restricted/" in url]

    # Withdrawn: the next visit online drops the saved copy.
    pack_withdraw(pack=Pack.objects.get(meeting=meeting, kind="public"), reason="A paper is being corrected.")
    page.goto(public)
    page.wait_for_timeout(500)
    assert not [url for url in saved_urls(page) if "/packs/public/" in url]
    assert refused == [], refused
    context.close()


def test_the_notes_panel_and_its_form_pass_axe(browser, live_server, world):
    """A note whose text is no longer found is listed as such, not lost. axe-core is injected inline, so this
    context alone bypasses the policy (the journeys above keep it)."""
    pack = world["meeting"].packs.get(kind="public")
    text = "Knife crime in the county"
    annotation_create(user=world["member"], pack=pack, page=5, quote=text, prefix="1.2", suffix=" fell", note="Why?")
    annotation_create(user=world["member"], pack=pack, page=5, quote="Words no longer in the paper")
    # A note on a paper of the meeting that is not in this pack: in "All my notes", not in this pack's panel.
    late = Paper.objects.create(item=world["papers"]["Knife crime"].item, format="written", subject="Late", summary=".")
    Annotation.objects.create(user=world["member"], paper=late, quote="Words elsewhere", paper_fingerprint="")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server.url, "member@journey.example")
    reader_open(page, reader_url(live_server.url, world["meeting"]))
    note_item(page).first.wait_for()
    page.get_by_role("button", name="Highlight and add a note").click()  # nothing selected: the error pattern
    page.locator("#kcsp-notes-form-slot .govuk-error-summary").wait_for()
    item_jump(page)
    lost = "We could not find the highlighted text on this page"
    page.locator(".kcsp-note", has_text="Words no longer in the paper").get_by_text(lost).wait_for()
    assert page.locator(".kcsp-note", has_text=text).get_by_text(lost).count() == 0
    assert page.locator(".kcsp-note", has_text="Words elsewhere").count() == 0
    assert page.get_by_text("You have 1 note on a paper of this meeting that is not in this pack").is_visible()
    assert page.get_by_role("button", name="not in this pack").count() == 0

    # Without a mouse: "Add a note to this page" offers the page's lines; the note is on the line chosen.
    on = text_select(page, SENTENCE)
    page.evaluate("() => window.getSelection().removeAllRanges()")
    page.locator("#reader-page").fill(str(on))
    page.locator("#reader-page").press("Enter")
    page.get_by_role("button", name="Add a note to this page").focus()
    page.keyboard.press("Enter")
    line = page.get_by_role("combobox", name="Text to highlight")
    assert line.evaluate("select => select === document.activeElement")
    assert f"Page {on}" in line.evaluate("select => [...select.options].map(option => option.text)")  # its own line
    line.select_option(label=f"1.2 {SENTENCE}")  # the paper's paragraph number is part of the page's line
    assert violations(page) == []
    page.get_by_role("textbox", name="Your note").fill("Chosen by keyboard.")
    page.get_by_role("button", name="Save note").click()
    page.locator(".kcsp-note", has_text="Chosen by keyboard.").wait_for()
    kept = Annotation.objects.get(note="Chosen by keyboard.")
    assert kept.quote == f"1.2 {SENTENCE}" and kept.prefix.endswith("Opening words.") and "Closing" in kept.suffix
    page.locator(f'.page[data-page-number="{on}"] .kcsp-note-mark[data-note-id="{kept.pk}"]').first.wait_for()

    text_select(page, SENTENCE)
    page.get_by_role("button", name="Highlight and add a note").click()
    page.get_by_role("textbox", name="Your note").fill("x" * 5001)
    page.get_by_role("button", name="Save note").click()
    page.locator(".govuk-error-message").wait_for()
    assert violations(page) == []
    context.close()
