"""PDFs made with pikepdf carrying what an upload must not publish, and what it must keep."""

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

SECRETS = (
    "EARLIER-REVISION-SECRET",
    "Jane Authorname",
    "PDF-JS-SECRET",
    "EMBEDDED-FILE-SECRET",
    "ATTACHED-FILE-SECRET",
    "calc.exe",
    "collect.example",
    "other-file.pdf",
    "xfa-secret",
)
WEB_LINK = "https://www.kent.gov.uk/"


def photo() -> bytes:
    """A JPEG whose EXIF names its author and says it is turned (orientation 6)."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B], exif[0x0112] = "Jane Authorname", 6
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "JPEG", exif=exif.tobytes(), comment=b"Jane Authorname")
    return out.getvalue()


def _js(code: str) -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))


def _link(pdf: pikepdf.Pdf, x: int, **entries) -> pikepdf.Object:
    rect = Array([x, 700, x + 40, 720])
    return pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect, Border=Array([0, 0, 0]), **entries)
    )


def _embedded(pdf: pikepdf.Pdf, name: str, content: bytes) -> pikepdf.Object:
    stream = pdf.make_stream(content, Type=Name.EmbeddedFile)
    return pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String(name), UF=String(name), EF=Dictionary(F=stream)))


def tagged_pdf(text: str = "VISIBLE-PDF-TEXT") -> pikepdf.Pdf:
    """One page of text, tagged: a structure tree, MarkInfo and a language."""
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    content = f"/P <</MCID 0>> BDC BT /F1 14 Tf 72 640 Td ({text}) Tj ET EMC".encode()
    page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 595, 842]), StructParents=0))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(content)
    pdf.pages.append(page)
    page = pdf.pages[0]
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    paragraph = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=0))
    document.K = Array([paragraph])
    root.K = document
    root.ParentTree = Dictionary(Nums=Array([0, Array([paragraph])]))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("en-GB")
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    return pdf


def hostile_pdf() -> bytes:
    """Document and page JavaScript, Launch, SubmitForm, GoToR, embedded and attached files, XFA, authorship,
    a web link and an internal link that must stay, and an earlier revision (an incremental save) with a secret."""
    pdf = tagged_pdf("VISIBLE-PDF-TEXT EARLIER-REVISION-SECRET")
    page = pdf.pages[0]
    with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
        metadata["dc:creator"] = ["Jane Authorname"]
        metadata["dc:title"] = "Grant projects update"
    pdf.docinfo["/Author"] = "Jane Authorname"
    pdf.docinfo["/Creator"] = "Microsoft Word for Jane Authorname"
    pdf.docinfo["/Title"] = "Grant projects update"
    pdf.Root.OpenAction = _js("app.alert('PDF-JS-SECRET open')")
    image = pdf.make_stream(photo(), Type=Name.XObject, Subtype=Name.Image, Width=40, Height=20, BitsPerComponent=8)
    image.ColorSpace, image.Filter = Name.DeviceRGB, Name.DCTDecode
    page.obj.Resources.XObject = Dictionary(Im1=image)
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("init"), pdf.make_indirect(_js("PDF-JS-SECRET document"))])),
        EmbeddedFiles=Dictionary(Names=Array([String("a.txt"), _embedded(pdf, "a.txt", b"EMBEDDED-FILE-SECRET")])),
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp>xfa-secret</xdp>"))
    page.obj.AA = Dictionary(O=_js("PDF-JS-SECRET page open"))
    attached = _embedded(pdf, "b.txt", b"ATTACHED-FILE-SECRET")
    page.obj.Annots = Array(
        [
            _link(pdf, 50, A=Dictionary(S=Name.Launch, F=String("calc.exe"))),
            _link(pdf, 100, A=Dictionary(S=Name.SubmitForm, F=String("https://collect.example/"))),
            _link(pdf, 150, A=Dictionary(S=Name.GoToR, F=String("other-file.pdf"), D=Array([0, Name.Fit]))),
            _link(pdf, 200, A=Dictionary(S=Name.URI, URI=String(WEB_LINK)), AA=Dictionary(E=_js("PDF-JS-SECRET"))),
            _link(pdf, 250, Dest=Array([page.obj, Name.Fit])),
            _link(pdf, 300, A=Dictionary(S=Name.URI, URI=String("javascript:alert('PDF-JS-SECRET')"))),
            pdf.make_indirect(
                Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([350, 700, 370, 720]), FS=attached)
            ),
        ]
    )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    with pikepdf.open(io.BytesIO(out.getvalue())) as saved:
        number = saved.pages[0].Contents.objgen[0]
    return incremental_update(
        out.getvalue(), number, b"/P <</MCID 0>> BDC BT /F1 14 Tf 72 640 Td (VISIBLE-PDF-TEXT) Tj ET EMC"
    )


def incremental_update(data: bytes, number: int, content: bytes) -> bytes:
    """Append a revision replacing object `number` by a new content stream, as an incremental save does."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    trailer = re.findall(rb"trailer\s*<<(.*?)>>\s*startxref", data, re.S)[-1]
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))
    keep = b" ".join(re.findall(rb"/(?:Root|Info) \d+ 0 R", trailer))
    data += b"" if data.endswith(b"\n") else b"\n"
    offset = len(data)
    body = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (number, len(content), content)
    xref = b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, offset)
    tail = b"trailer\n<< /Size %d %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, keep, previous, offset + len(body))
    return data + body + xref + tail


def encrypted_pdf(*, user: str) -> bytes:
    pdf = tagged_pdf("VISIBLE-PDF-TEXT")
    out = io.BytesIO()
    pdf.save(
        out, encryption=pikepdf.Encryption(owner="owner-secret", user=user, allow=pikepdf.Permissions(extract=False))
    )
    return out.getvalue()
