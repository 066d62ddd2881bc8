"""Every kind of PDF the product makes prints the scripts people in Kent write in with real glyphs, and wraps
long unbreakable text (meeting links, e-mail addresses, references) inside the page.

Each PDF is made through the code that makes it for users (pack builds with their front sheets, written papers,
draft minutes, the DHR update paper, signed minutes, the action plan, the render check, a downloader's
watermark) from records holding names and text in those scripts and very long links, addresses and references,
then read back three ways: WeasyPrint's own warning when a character has no glyph ("... .notdef glyph rendered
..."), every glyph drawn in a composite font checked for glyph 0 (.notdef, the empty box) with pikepdf, and
every character's box (pdfminer, Form XObjects such as stamps included) checked to lie inside the page, with
the extracted text compared to what was typed.
"""

import datetime
import io
import logging
import re

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTContainer
from pypdf import PdfReader

from agreement.models import PlanItem, Priority
from agreement.services import version_pdf_build
from agreement.tests.factories import agreement_world
from dhr.tests.factories import dhr_world
from kcsp import roles
from kcsp.downloads import recipient_watermark
from kcsp.models import RenderCheck
from kcsp.services import render_check_run
from kcsp.tests.factories import PersonFactory
from meetings.minutetext import Style, minute_blocks
from meetings.models import AgendaItem, Meeting, Minute, Pack, Paper, PaperSection
from meetings.packbuild import stamp
from meetings.packbuild.assemble import watermark_copy
from meetings.packbuild.parts import RenderStats
from meetings.packbuild.service import _minutes_part, _paper_part, pack_build
from meetings.tests.factories import CommitteeFactory, committee_business, held_meeting, signed_minutes_world

# What each script is, a phrase in it, and the font that should draw it (its PostScript name in the PDF).
SCRIPTS = {
    "Punjabi (Gurmukhi)": ("ਪੰਜਾਬੀ ਭਾਈਚਾਰੇ ਦੀ ਸੁਰੱਖਿਆ", "Noto-Sans-Gurmukhi"),
    "Urdu": ("اردو برادری کی حفاظت", "Noto-Naskh-Arabic"),
    "Arabic": ("سلامة المجتمع", "Noto-Naskh-Arabic"),
    "Pashto": ("د ټولنې خوندیتوب", "Noto-Naskh-Arabic"),
    "Kurdish (Sorani)": ("ئاسایشی کۆمەڵگا", "Noto-Naskh-Arabic"),
    "Bengali": ("বাংলা সম্প্রদায়ের নিরাপত্তা", "Noto-Sans-Bengali"),
    "Gujarati": ("ગુજરાતી સમુદાયની સલામતી", "Noto-Sans-Gujarati"),
    "Hindi": ("हिन्दी सामुदायिक सुरक्षा", "Noto-Sans-Devanagari"),
    "Nepali": ("नेपाली समुदायको सुरक्षा", "Noto-Sans-Devanagari"),
    "Tamil": ("தமிழ் சமூகப் பாதுகாப்பு", "Noto-Sans-Tamil"),
    "Tigrinya": ("ናይ ማሕበረሰብ ድሕንነት", "Noto-Sans-Ethiopic"),
    "Chinese": ("社区安全伙伴关系 社區安全", "Noto-Sans-CJK"),
    "Polish": ("Bezpieczeństwo społeczności w Łodzi", None),
    "Romanian": ("Siguranța comunității în Țara", None),
    "Greek": ("Ασφάλεια της κοινότητας", None),
    "Cyrillic": ("Безпека громади Україна Сербия", None),
    "Kurdish (Kurmanji)": ("Ewlehiya civakê û aştî", None),
    "Turkish": ("Topluluk güvenliği İğdır Şişli", None),
    "Vietnamese": ("An toàn cộng đồng Việt Nam", None),
}
PHRASES = [phrase for phrase, _font in SCRIPTS.values()]
# Latin-based, Greek, Cyrillic and Chinese come back from the text layer exactly (joined scripts are reordered
# or decomposed by extraction, so for them the font and the absent .notdef are the proof).
EXACT = [phrase for phrase, font in SCRIPTS.values() if font in (None, "Noto-Sans-CJK")]
LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "NjQ4ZmQ1YTMtYjc2ZS00ZGE5LWI4" * 7
EMAIL = "communitysafetypartnershipadministration@kentcommunitysafetypartnership.kent.gov.uk"
REFERENCE = "KCSP/DHR/2023/" + "0123456789ABCDEF" * 6
LONG = [LINK, EMAIL, REFERENCE]
EVERYTHING = " ".join([*PHRASES, LINK, EMAIL, REFERENCE])
TOLERANCE = 0.5  # points: a glyph box may touch the page edge, never pass it


def _walk(objects):
    for obj in objects:
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _walk(obj)


def chars_outside_the_page(data: bytes) -> list[str]:
    """Each character (with its page) whose box passes the page's edge, Form XObjects (stamps) included."""
    outside = []
    for number, page in enumerate(extract_pages(io.BytesIO(data)), start=1):
        x0, y0, x1, y1 = page.bbox
        for char in _walk(page):
            if not char.get_text().strip():
                continue
            inside = x0 - TOLERANCE <= char.x0 and char.x1 <= x1 + TOLERANCE
            if not (inside and y0 - TOLERANCE <= char.y0 and char.y1 <= y1 + TOLERANCE):
                outside.append(f"page {number}: {char.get_text()!r} at {char.bbox}")
    return outside


def page_text(data: bytes) -> str:
    return "".join(char.get_text() for page in extract_pages(io.BytesIO(data)) for char in _walk(page))


def glyph_count(font) -> int | None:
    """How many glyphs the composite font's embedded program holds (None when it embeds none)."""
    descriptor = font.DescendantFonts[0].get("/FontDescriptor") or pikepdf.Dictionary()
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            return TTFont(io.BytesIO(descriptor[key].read_bytes()))["maxp"].numGlyphs
    return None


def _missing_glyphs_in(owner, fonts_seen: dict, found: list[str], depth: int = 0) -> None:
    resources = owner.get("/Resources") or pikepdf.Dictionary()
    fonts = resources.get("/Font") or pikepdf.Dictionary()
    xobjects = resources.get("/XObject") or pikepdf.Dictionary()
    font, count = None, None
    for operands, operator in pikepdf.parse_content_stream(owner):
        op = str(operator)
        if op == "Tf":
            font = fonts.get(str(operands[0]))
            if font is not None and font.get("/Subtype") == "/Type0":
                key = font.objgen  # a subset's name may repeat across parts rendered apart: the object is the font
                if key not in fonts_seen:
                    fonts_seen[key] = (str(font.get("/BaseFont")), glyph_count(font))
                count = fonts_seen[key][1]
            else:
                font = None
        elif op in ("Tj", "'", '"', "TJ") and font is not None:
            strings = operands[0] if op == "TJ" else [operands[-1]]
            for string in strings:
                if isinstance(string, pikepdf.String):
                    raw = bytes(string)
                    for glyph in (int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)):
                        if glyph == 0 or (count is not None and glyph >= count):
                            found.append(f"glyph {glyph} of {font.get('/BaseFont')} ({count} glyphs)")
        elif op == "Do" and depth < 8:
            xobject = xobjects.get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                _missing_glyphs_in(xobject, fonts_seen, found, depth + 1)


def notdef_glyphs(data: bytes) -> tuple[list[str], set[str]]:
    """Glyphs drawn that are the empty box: glyph 0 (.notdef), or a glyph the embedded font does not have (what
    WeasyPrint draws for a character no font has); and the composite fonts that drew text."""
    found: list[str] = []
    fonts: dict[tuple[int, int], tuple[str, int | None]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _missing_glyphs_in(page.obj, fonts, found)
    return found, {name for name, _count in fonts.values()}


def assert_prints_every_script_inside_the_page(name: str, data: bytes, *, expect: list[str]) -> None:
    notdefs, fonts = notdef_glyphs(data)
    assert not notdefs, f"{name}: {notdefs[:5]}"
    outside = chars_outside_the_page(data)
    assert not outside, f"{name}: {len(outside)} characters outside the page, e.g. {outside[:5]}"
    text = page_text(data)
    assert "(cid:" not in text, f"{name}: a glyph with no text behind it"
    other_reader = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    assert len(re.sub(r"\s+", "", text)) >= 0.9 * len(other_reader), f"{name}: pdfminer read every character"
    squeezed = re.sub(r"\s+", "", text)
    for phrase in expect:
        assert re.sub(r"\s+", "", phrase) in squeezed, f"{name}: {phrase!r} not read back"
    if any(phrase in expect for phrase in PHRASES):
        for label, (phrase, font) in SCRIPTS.items():
            if font and phrase in expect:
                assert any(font in used for used in fonts), f"{name}: {label} not drawn in {font}: {sorted(fonts)}"


@pytest.fixture
def glyph_warnings(caplog):
    """WeasyPrint's warnings (a character no font has is logged as '.notdef glyph rendered ...')."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    stamp._RENDERED.clear()  # stamps are rendered once per process: render them here, where warnings are read
    stamp._BLANK = None  # noqa: SLF001
    return caplog


def no_glyph_warnings(caplog) -> None:
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= 30]
    assert not warnings, warnings[:5]


@pytest.fixture
def scripted(db, make_user, settings, tmp_path):
    """committee_business with every record a PDF prints holding the scripts and the long link, address and
    reference; a DHR case on the DHR item (its update paper); and a signed record of a committee whose name and
    member are in those scripts."""
    settings.MEDIA_ROOT = tmp_path
    chair = make_user(roles.CHAIR)
    business = committee_business(member_user=make_user(roles.MEMBER), chair_user=chair)
    committee, published = business["committee"], business["published"]
    committee.name = "Kent CSP ਪੰਜਾਬੀ اردو বাংলা ગુજરાતી हिन्दी தமிழ் 社区 Ελληνικά Україна"
    committee.save()
    Meeting.objects.filter(pk=published.pk).update(
        venue_kind="online", venue=LINK, contact_email=EMAIL, contact_name="Łucja Wiśniewska / ਹਰਪ੍ਰੀਤ ਕੌਰ"
    )
    for item in (business["public_item"], business["restricted_item"], business["dhr_item"]):
        AgendaItem.objects.filter(pk=item.pk).update(title=f"{PHRASES[0]} {REFERENCE}", description=EVERYTHING)
    paper = business["written_paper"]
    Paper.objects.filter(pk=paper.pk).update(
        subject=f"{SCRIPTS['Urdu'][0]} {SCRIPTS['Chinese'][0]}",
        summary=EVERYTHING,
        contact=f"{SCRIPTS['Bengali'][0]}\n{EMAIL}\n{LINK}",
        recommendations=f"{SCRIPTS['Tamil'][0]}\n{REFERENCE}",
    )
    body = "\n\n".join([EVERYTHING, *PHRASES, *LONG])
    PaperSection.objects.filter(pk=business["section"].pk).update(
        heading=f"{SCRIPTS['Hindi'][0]} {REFERENCE}", body=body
    )
    restricted = Paper.objects.create(item=business["restricted_item"], format="written", subject=PHRASES[3])
    PaperSection.objects.create(paper=restricted, position=1, heading=PHRASES[4], body=body)
    Paper.objects.filter(item=business["dhr_item"]).update(summary=EVERYTHING)
    blocks = minute_blocks(f"{EVERYTHING}\n\nRESOLVED that {EVERYTHING}\na) {LINK}", Style())
    Minute.objects.filter(pk=business["minute"].pk).update(
        title=f"{PHRASES[2]} {REFERENCE}", text=EVERYTHING, blocks=blocks
    )
    cleared = make_user(roles.DHR_CLEARED)
    case = dhr_world(user=cleared, dhr_item=business["dhr_item"])["dhr_case"]
    type(case).objects.filter(pk=case.pk).update(pseudonym="ગુજરાતી")
    # A signed record of a committee named in these scripts, whose member's name is in them too.
    other = CommitteeFactory(name=f"{SCRIPTS['Punjabi (Gurmukhi)'][0]} {SCRIPTS['Chinese'][0]} Partnership")
    member = PersonFactory(title="Dr", initials="Ł", surname="ਸਿੰਘ 王 Ωμέγα Шевченко Çelik")
    signed = signed_minutes_world(
        committee=other, at_meeting=held_meeting(committee=other), chair_user=make_user(roles.CHAIR), member=member
    )
    plan = agreement_world()
    version = plan["published_version"]
    PlanItem.objects.filter(version=version).update(
        objective=EVERYTHING, actions=[EVERYTHING, LINK, REFERENCE], lead_text=f"{EMAIL} {SCRIPTS['Nepali'][0]}"
    )
    Priority.objects.filter(pk__in=version.items.values("priority")).update(name=f"{PHRASES[1]} {REFERENCE}")
    reader = make_user(roles.MEMBER)
    PersonFactory(user=reader, title="Mx", surname=f"{SCRIPTS['Tigrinya'][0]} {SCRIPTS['Urdu'][0]} Wiśniewska")
    return {**business, "signed_other": signed, "version": version, "reader": reader, "cleared": cleared}


def test_every_kind_of_pdf_prints_every_script_with_real_glyphs_and_keeps_long_text_inside_the_page(
    scripted, glyph_warnings
):
    published = scripted["published"]
    made: dict[str, tuple[bytes, list[str]]] = {}
    for kind in (Pack.Kind.PUBLIC, Pack.Kind.RESTRICTED, Pack.Kind.DHR):
        pack_build(meeting=published, kind=kind)
        with Pack.objects.get(meeting=published, kind=kind).file.open("rb") as handle:
            made[f"{kind} pack"] = (handle.read(), [*EXACT, *LONG])
    stats = RenderStats()
    made["written paper"] = (_paper_part(scripted["written_paper"], stats), [*EXACT, *LONG])
    made["draft minutes"] = (_minutes_part(scripted["held"], stats), [*EXACT, *LONG])
    watermark = recipient_watermark(scripted["reader"], datetime.date(2026, 11, 30))
    made["restricted pack as downloaded"] = (
        watermark_copy(made["restricted pack"][0], watermark),
        [SCRIPTS["Polish"][0].split()[0]],
    )
    for kind, record in scripted["signed_other"]["records"].items():
        with record.pdf.open("rb") as handle:
            made[f"signed minutes ({kind})"] = (handle.read(), ["Ωμέγα", "Шевченко", "Çelik", "王"])
    version = version_pdf_build(version=scripted["version"])
    with version.pdf.open("rb") as handle:
        made["action plan"] = (handle.read(), [*EXACT, *LONG])
    check = render_check_run(check=RenderCheck.objects.create(requested_by=scripted["reader"]))
    with check.pdf.open("rb") as handle:
        made["render check"] = (handle.read(), ["Render check"])

    no_glyph_warnings(glyph_warnings)
    for name, (data, expect) in made.items():
        assert_prints_every_script_inside_the_page(name, data, expect=expect)
    dhr_text = page_text(made["dhr pack"][0])
    assert re.sub(r"\s+", "", SCRIPTS["Gujarati"][0]) in re.sub(r"\s+", "", dhr_text) or any(
        "Gujarati" in font for font in notdef_glyphs(made["dhr pack"][0])[1]
    ), "the DHR update paper names the case"


def test_the_checks_catch_a_missing_glyph_and_a_word_off_the_page(glyph_warnings):
    """The reader above is not blind: a character no installed font has, and a line that cannot wrap, are found."""
    import weasyprint

    missing = weasyprint.HTML(string="<html lang='en-GB'><body><p>Private \ue000\ue001</p></body></html>").write_pdf()
    assert any(".notdef" in r.getMessage() for r in glyph_warnings.records)
    assert notdef_glyphs(missing)[0], "the missing glyph found in the content stream"
    unwrapped = f"<html lang='en-GB'><body><p style='white-space: nowrap'>{REFERENCE} {REFERENCE}</p></body></html>"
    assert chars_outside_the_page(weasyprint.HTML(string=unwrapped).write_pdf()), "a word past the page's edge found"


def test_the_demo_pack_prints_inside_the_page(settings, tmp_path, db, glyph_warnings, demo_load):
    """The demo's own July 2022 pack (real papers: long titles, tables, the venue) stays inside the page."""
    from kcsp.demo_clock import REFERENCE_TODAY

    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`: the papers' own dates (demo_clock)
    meeting = Meeting.objects.get(starts_at__date="2022-07-14")
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    with Pack.objects.get(meeting=meeting, kind=Pack.Kind.PUBLIC).file.open("rb") as handle:
        data = handle.read()
    no_glyph_warnings(glyph_warnings)
    assert_prints_every_script_inside_the_page("demo public pack", data, expect=[])
