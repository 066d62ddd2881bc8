"""Word uploads publish only what the author saw: revisions and comments refused, the rest stripped, fields frozen."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from meetings.models import Pack, Paper
from meetings.packbuild.service import pack_build
from meetings.uploads import check_upload

from .factories import AgendaItemFactory, published_meeting
from .hostile_pdfs import photo
from .test_hostile_uploads import zip_of

pytestmark = pytest.mark.django_db

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"
SECRETS = (
    "Jane Authorname",
    "Bob Lastmodifier",
    "Acme Partnership Ltd",
    "CUSTOM-SECRET",
    "HIDDEN-SECRET",
    "OLE-SECRET",
)


def complex_field(instruction: str, stored: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{stored}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


FIELDS = (
    '<w:p><w:r><w:t xml:space="preserve">Report date: </w:t></w:r>'
    + complex_field('DATE \\@ "d MMMM yyyy"', "14 March 2019")
    + '</w:p><w:p><w:r><w:t xml:space="preserve">Saved as </w:t></w:r>'
    '<w:fldSimple w:instr=" FILENAME "><w:r><w:t>Draft-KCSP-paper.docx</w:t></w:r></w:fldSimple>'
    '<w:r><w:t xml:space="preserve"> with </w:t></w:r>'
    + complex_field("NUMPAGES", "9")
    + '<w:r><w:t xml:space="preserve"> pages; this is page </w:t></w:r>'
    + complex_field("PAGE", "7")
    + "</w:p>"
)
EMBEDDED_OBJECT = (
    '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Embed" '
    'ProgID="Package" ObjectID="_1" r:id="rIdOle1"/></w:object></w:r></w:p>'
)
TRACKED = (
    '<w:p><w:ins w:id="901" w:author="Bob" w:date="2019-03-01T00:00:00Z"><w:r><w:t>added</w:t></w:r></w:ins>'
    '<w:del w:id="902" w:author="Bob" w:date="2019-03-01T00:00:00Z"><w:r><w:delText>gone</w:delText></w:r></w:del>'
    '<w:r><w:rPr><w:b/><w:rPrChange w:id="903" w:author="Bob"><w:rPr/></w:rPrChange></w:rPr><w:t>bold</w:t></w:r>'
    "</w:p>"
)


def word_paper(*, tracked: bool = False, comments: int = 0) -> bytes:
    """A python-docx document, then edited as XML: hidden text, properties, an embedded object, fields."""
    document = docx.Document()
    document.core_properties.author = "Jane Authorname"
    document.core_properties.last_modified_by = "Bob Lastmodifier"
    document.core_properties.revision = 7
    document.core_properties.title = "Community safety update"
    paragraph = document.add_paragraph("VISIBLE-TEXT of the paper. ")
    paragraph.add_run("HIDDEN-SECRET note to self").font.hidden = True
    document.add_picture(io.BytesIO(photo()))
    for n in range(comments):
        document.add_comment(paragraph.runs[0], text=f"Comment {n}", author="Bob Lastmodifier")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {name: source.read(name) for name in source.namelist()}
    body = FIELDS + EMBEDDED_OBJECT + (TRACKED if tracked else "")
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdOle1" Type="{OLE}" Target="embeddings/oleObject1.bin"/>'.encode() + b"</Relationships>",
    )
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0 OLE-SECRET spreadsheet of names"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"<Default ",
        b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
        b'<Override PartName="/docProps/custom.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/><Default ',
        1,
    )
    parts["docProps/custom.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reviewer">'
        b"<vt:lpwstr>CUSTOM-SECRET</vt:lpwstr></property></Properties>"
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'custom-properties" Target="docProps/custom.xml"/></Relationships>',
    )
    parts["docProps/app.xml"] = parts["docProps/app.xml"].replace(
        b"</Properties>", b"<Company>Acme Partnership Ltd</Company></Properties>"
    )
    return zip_of(parts)


@pytest.fixture
def item(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return AgendaItemFactory(meeting=published_meeting(), section="B", position=1)


def post_paper(client, item, content: bytes, name: str = "p.docx"):
    return client.post(
        f"/meetings/items/{item.pk}/papers/upload/",
        {
            "subject": "Community safety update",
            "authors": "Ms S Brinson",
            "upload": SimpleUploadedFile(name, content),
        },
        follow=True,
    )


def test_tracked_changes_and_comments_are_refused_saying_what_and_how_and_nothing_is_stored(
    officer_client, item, tmp_path
):
    body = post_paper(officer_client, item, word_paper(tracked=True, comments=2)).content.decode()
    assert "This document still has 3 tracked changes and 2 comments" in body
    assert "Review &gt; Accept &gt; Accept All Changes" in body
    assert "Review &gt; Delete &gt; Delete All Comments in Document" in body
    assert "Inspect Document" in body
    assert 'value="Community safety update"' in body and "\nMs S Brinson</textarea>" in body, "what was typed is kept"
    assert not Paper.objects.exists()
    assert not any(tmp_path.rglob("*.*")), "nothing stored"


def test_only_tracked_changes_or_only_comments_name_just_that():
    with pytest.raises(Exception, match="still has 1 comment\\. In Word, choose Review > Delete"):
        check_upload(SimpleUploadedFile("c.docx", word_paper(comments=1)))
    with pytest.raises(Exception, match="still has 3 tracked changes\\. In Word, choose Review > Accept"):
        check_upload(SimpleUploadedFile("t.docx", word_paper(tracked=True)))


def test_stored_copy_and_pack_show_what_the_author_saw_and_nothing_else(officer_client, item):
    response = post_paper(officer_client, item, word_paper())
    page = response.content.decode()
    assert "p.docx uploaded. Removed before publishing:" in page
    for removed in ("author", "last modified by", "company", "1 custom property", "hidden text (1 passage)",
                    "1 embedded object",
        "camera, author and place details from 1 picture", "3 fields that would update on conversion"):  # fmt: skip
        assert removed in page, removed
    paper = Paper.objects.get()
    stored = paper.file.read()
    archive = zipfile.ZipFile(io.BytesIO(stored))
    raw = b"".join(archive.read(name) for name in archive.namelist())
    assert not [s for s in SECRETS if s.encode() in raw]
    assert not [n for n in archive.namelist() if "embeddings" in n or "custom" in n]
    picture = next(archive.read(n) for n in archive.namelist() if n.startswith("word/media/"))
    assert Image.open(io.BytesIO(picture)).getexif().get(0x0112) == 6, "the photo is still turned as Word shows it"
    reopened = docx.Document(io.BytesIO(stored))
    assert reopened.core_properties.title == "Community safety update", "the title stays: it names the PDF"
    assert not reopened.core_properties.author and reopened.core_properties.revision in (0, 1)
    assert "HIDDEN" not in paper.extracted_text and "VISIBLE-TEXT" in paper.extracted_text

    kind = Pack.Kind.SUPPLEMENTARY if paper.is_supplementary else Pack.Kind.PUBLIC  # added after publication
    pack_build(meeting=item.meeting, kind=kind)
    pack = Pack.objects.get(meeting=item.meeting, kind=kind)
    assert pack.status == Pack.Status.READY, pack.error
    pdf = pack.file.read()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "VISIBLE-TEXT of the paper." in text
    assert "Report date: 14 March 2019" in text, "the date Word showed, not the day of conversion"
    assert "Saved as Draft-KCSP-paper.docx with 9 pages" in text
    assert "this is page 7" not in text, "PAGE stays live"
    assert not [s for s in SECRETS if s in text or s.encode() in pdf]


def test_field_codes_go_so_the_converter_fetches_nothing_they_name():
    fetch = complex_field('INCLUDETEXT "http://169.254.169.254/latest/meta-data"', "").replace(
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>', ""
    )
    body = (
        f'<w:body><w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r>{fetch}'
        "<w:fldSimple w:instr=' INCLUDEPICTURE \"http://169.254.169.254/x.png\" \\d '/></w:p></w:body>"
    )
    document = f'<w:document xmlns:w="{W}">{body}</w:document>'
    checked = check_upload(
        SimpleUploadedFile("f.docx", zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": document}))
    )
    stored = zipfile.ZipFile(checked.file).read("word/document.xml")
    assert b"169.254" not in stored and b"Kept" in stored
    assert checked.removed == ("2 fields that would update on conversion (such as dates, file names and page counts)"
                               ": fixed at what Word last showed",)  # fmt: skip


def test_a_strict_open_xml_document_is_refused_as_it_cannot_be_checked():
    strict = '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body/></w:document>'
    with pytest.raises(Exception, match="Strict Open XML"):
        check_upload(
            SimpleUploadedFile("s.docx", zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": strict}))
        )
