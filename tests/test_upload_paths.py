"""Every form that takes a file, found by walking the project's modules, stores only the cleaned copy.

A form with a file field missing from UPLOADS or NOT_DOCUMENTS fails the test: a new upload must say how its
file is cleaned (or why it is never stored or published). Each upload is posted through its real view with a
PDF carrying JavaScript, Launch, SubmitForm, GoToR, embedded files, XFA, authorship and an earlier revision.
"""

import datetime
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from dhr.models import Case, CaseDocument
from dhr.tests.factories import make_case
from grants.models import BidAttachment
from grants.tests.factories import grants_world
from kcsp.testing import opened
from meetings.models import Appendix, Paper
from meetings.tests.factories import AgendaItemFactory, published_meeting
from meetings.tests.hostile_pdfs import SECRETS, hostile_pdf
from meetings.tests.test_upload_cleaning_pdf import active_content

pytestmark = pytest.mark.django_db


def project_forms_with_files() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
            continue
        modules = [config.module] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(config.module.__path__, f"{config.name}.")
            if not set(info.name.split(".")) & {"tests", "migrations", "management", "settings", "wsgi", "asgi"}
        ]
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                fields = getattr(cls, "base_fields", {})
                if issubclass(cls, forms.BaseForm) and any(isinstance(f, forms.FileField) for f in fields.values()):
                    found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def paper(request):
    item = AgendaItemFactory(meeting=published_meeting(), section="B", position=1)
    url = f"/meetings/items/{item.pk}/papers/upload/"
    return request.getfixturevalue("officer_client"), url, {"subject": "Paper"}, "upload", lambda: Paper.objects.get()


def appendix(request):
    item = AgendaItemFactory(meeting=published_meeting(), section="B", position=1)
    written = Paper.objects.create(item=item, format="written", subject="Written")
    url = f"/meetings/papers/{written.pk}/appendices/new/"
    return request.getfixturevalue("officer_client"), url, {"title": "A"}, "upload", lambda: Appendix.objects.get()


def bid_attachment(request):
    client, user = request.getfixturevalue("client"), request.getfixturevalue("make_user")("member")
    client.force_login(user)
    bid = grants_world(member_user=user)["draft_bid"]
    url = f"/grants/bids/{bid.pk}/attachments/new/"
    return client, url, {"title": "Costs"}, "file", lambda: BidAttachment.objects.get(title="Costs")


def dhr_file(request):
    case = make_case()
    url = f"/reviews/{case.pk}/files/new/"
    return request.getfixturevalue("dhr_client"), url, {"title": "Letter"}, "upload", lambda: CaseDocument.objects.get()


class PublishedReport:
    def __init__(self, case):
        self.case = case

    @property
    def file(self):
        self.case.refresh_from_db()
        return self.case.published_report


def dhr_published_report(request):
    case = make_case(status=Case.Status.PUBLISHED, published_on=datetime.date(2024, 5, 1))
    url = f"/reviews/{case.pk}/publication/"
    client = request.getfixturevalue("dhr_client")
    return client, url, opened(client, url, {"listed": "yes"}), "report", lambda: PublishedReport(case)


UPLOADS = {
    "meetings.forms.UploadedPaperForm": paper,
    "meetings.forms.AppendixForm": appendix,
    "grants.forms.AttachmentForm": bid_attachment,
    "dhr.forms.DocumentForm": dhr_file,
    "dhr.forms.PublicationForm": dhr_published_report,
}
NOT_DOCUMENTS = {
    "agreement.forms.PlanImportForm": "a spreadsheet read into plan rows, never stored or sent to anyone",
    "agreement.indicator_forms.IndicatorImportForm": "a spreadsheet read into indicator values, never stored or sent",
}


def test_every_form_with_a_file_field_is_in_the_table():
    assert project_forms_with_files() == set(UPLOADS) | set(NOT_DOCUMENTS)


@pytest.mark.parametrize("form", sorted(UPLOADS))
def test_every_upload_stores_only_the_cleaned_copy(form, request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, url, data, field, stored = UPLOADS[form](request)
    response = client.post(url, {**data, field: SimpleUploadedFile("report.pdf", hostile_pdf())}, follow=True)
    assert response.status_code == 200
    assert "Removed before publishing: earlier versions of the document" in response.content.decode()
    kept = stored().file.read()
    assert not [secret for secret in SECRETS if secret.encode() in kept]
    assert not active_content(kept)


def test_no_code_reads_uploaded_files_around_the_forms():
    """A view reading request.FILES itself would store the upload as sent, skipping the cleaning in the form."""
    base = Path(settings.BASE_DIR)
    sources = [p for p in base.rglob("*.py") if not set(p.relative_to(base).parts) & {".venv", "node_modules", "tests"}]
    assert not [str(p) for p in sources if "request.FILES" in p.read_text()]


def test_the_admin_site_takes_no_files():
    """Its generated forms would store a file as sent: no model with a file field is registered there."""
    from django.contrib import admin
    from django.db import models

    registered = admin.site._registry
    assert not [m for m in registered if any(isinstance(f, models.FileField) for f in m._meta.get_fields())]
