"""Every look at and change to DHR material is logged; the log cannot be changed through the app or the database."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import get_resolver

from dhr.models import AccessLog, AppendOnlyError

from .factories import dhr_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(dhr_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return dhr_world(user=dhr_client.user)


def test_viewing_a_case_a_list_and_a_file_is_logged_with_who_what_and_where(dhr_client, world):
    case, document = world["dhr_case"], world["dhr_document"]
    dhr_client.get("/reviews/", REMOTE_ADDR="10.1.2.3")
    dhr_client.get(f"/reviews/{case.pk}/", REMOTE_ADDR="10.1.2.3")
    response = dhr_client.get(f"/reviews/files/{document.pk}/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    entries = list(AccessLog.objects.order_by("id"))
    assert [(e.action, e.case) for e in entries] == [("list", None), ("view", case), ("download", case)]
    assert all(e.user == dhr_client.user for e in entries)
    assert entries[1].ip_address == "10.1.2.3" and entries[1].path == f"/reviews/{case.pk}/"
    assert "Secret terms of reference" in entries[2].what


def test_changes_are_logged(dhr_client, world):
    action = world["dhr_action"]
    response = dhr_client.post(
        f"/reviews/actions/{action.pk}/updates/new/",
        {
            "given_on_day": "1",
            "given_on_month": "2",
            "given_on_year": "2024",
            "text": "Training delivered",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    entry = AccessLog.objects.get(action="create")
    assert entry.case == world["dhr_case"] and "Record an agency update" in entry.what


def test_the_log_page_and_export_are_for_cleared_users_and_the_export_is_logged(dhr_client, world):
    dhr_client.get(f"/reviews/{world['dhr_case'].pk}/")
    page = dhr_client.get("/reviews/access-log/").content.decode()
    assert "Viewed: Case Zephyrine/2023" in page
    export = dhr_client.get("/reviews/access-log.csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "Case Zephyrine/2023" in export.content.decode()
    assert AccessLog.objects.filter(action="export").count() == 1


def test_an_entry_cannot_be_changed_or_deleted_by_the_model_or_queryset(dhr_client, world):
    dhr_client.get("/reviews/")
    entry = AccessLog.objects.get()
    entry.what = "Nothing to see"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).update(what="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().what == "Case list"


def test_the_database_refuses_update_and_delete_too(dhr_client, world):
    dhr_client.get("/reviews/")
    for sql in ("UPDATE dhr_accesslog SET what = 'x'", "DELETE FROM dhr_accesslog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.count() == 1


def test_no_url_edits_or_deletes_log_entries_and_the_admin_has_no_dhr_models():
    from django.contrib import admin

    names = {p.name for p in get_resolver().url_patterns if hasattr(p, "name")}
    routes = [str(p.pattern) for p in get_resolver("dhr.urls").url_patterns]
    assert not any("access-log" in r and ("edit" in r or "delete" in r) for r in routes)
    assert not [m for m in admin.site._registry if m._meta.app_label == "dhr"]
    assert names  # the resolver loaded
