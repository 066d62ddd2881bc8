"""Pack downloads become rows of the one download record (kcsp.FileDownload), linked to their pack."""

from django.db import migrations


def forwards(apps, schema_editor):
    PackDownload = apps.get_model("meetings", "PackDownload")
    FileDownload = apps.get_model("kcsp", "FileDownload")
    ContentType = apps.get_model("contenttypes", "ContentType")
    pack_type, _ = ContentType.objects.get_or_create(app_label="meetings", model="pack")
    FileDownload.objects.bulk_create(
        FileDownload(
            user_id=row.user_id,
            downloaded_at=row.downloaded_at,
            ip_address=row.ip_address,
            what=f"{row.pack.get_kind_display() if hasattr(row.pack, 'get_kind_display') else row.pack.kind} pack, "
            f"meeting {row.pack.meeting_id}",
            content_type=pack_type,
            object_id=row.pack_id,
        )
        for row in PackDownload.objects.select_related("pack").iterator()
    )


def backwards(apps, schema_editor):
    PackDownload = apps.get_model("meetings", "PackDownload")
    FileDownload = apps.get_model("kcsp", "FileDownload")
    ContentType = apps.get_model("contenttypes", "ContentType")
    pack_type = ContentType.objects.filter(app_label="meetings", model="pack").first()
    Pack = apps.get_model("meetings", "Pack")
    packs = set(Pack.objects.values_list("pk", flat=True))
    PackDownload.objects.bulk_create(
        PackDownload(
            pack_id=row.object_id, user_id=row.user_id, downloaded_at=row.downloaded_at, ip_address=row.ip_address
        )
        for row in FileDownload.objects.filter(content_type=pack_type, object_id__in=packs)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kcsp", "0003_file_download"),
        ("meetings", "0006_pack_contents_and_withdrawals"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="PackDownload"),
    ]
