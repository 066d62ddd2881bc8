"""The chain web → Redis → worker → WeasyPrint → file, with a real worker on the real Redis."""

import time

import pytest
from pypdf import PdfReader

from kcsp import roles
from kcsp.models import RenderCheck
from kcsp.services import render_check_request


def wait_for(check, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check.refresh_from_db()
        if check.status != RenderCheck.Status.QUEUED:
            return check
        time.sleep(0.2)
    raise AssertionError(f"render check {check.pk} still queued after {seconds}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_renders_the_pdf_task_and_the_pdf_reads_back(real_worker, make_user, tmp_path):
    check = render_check_request(requested_by=make_user(roles.ADMIN))
    check = wait_for(check)
    assert check.status == RenderCheck.Status.DONE, check.failure
    reader = PdfReader(check.pdf.path)
    assert check.page_count == len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "render check" in text.lower()
    assert f"Render check {check.pk}" in text
    assert "Page 1 of 1" in text
    assert reader.metadata.title == f"Render check {check.pk}"
    assert str(tmp_path) in check.pdf.path


@pytest.mark.django_db
def test_eager_task_stores_the_pdf_and_admin_downloads_it(
    admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/system/", {})
    assert response.status_code == 302
    check = RenderCheck.objects.get()
    assert check.status == RenderCheck.Status.DONE
    download = admin_client.get(f"/system/render-checks/{check.pk}.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_failed_render_is_recorded_with_its_reason(settings, make_user, tmp_path):
    from kcsp.services import render_check_run

    settings.MEDIA_ROOT = tmp_path / "not-a-directory"
    (tmp_path / "not-a-directory").write_text("a file where the media folder should be")
    check = RenderCheck.objects.create(requested_by=make_user(roles.ADMIN))
    render_check_run(check=check)
    check.refresh_from_db()
    assert check.status == RenderCheck.Status.FAILED
    assert "Error" in check.failure
    assert not check.pdf
