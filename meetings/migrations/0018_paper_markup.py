"""Written papers' sections become markup (kcsp/markup.py): existing bodies are escaped so they read as before.

A line starting "1." or "#", "-", "+", and any "*", "_", "[", "<", "|", "`" or backslash would now mean markup;
each gets a backslash, so the rendered text equals the old text (tested in meetings/tests/test_markup_migration.py).
Lines are trimmed and whitespace-only lines inside a paragraph dropped (HTML showed neither). Each changed
section gets one history row saying why. The functions are frozen here, not imported, so later changes to the
renderer cannot change what this migration did. The reverse removes the backslashes this migration adds (a
body written with markup after it keeps its markup characters, as plain text).
"""

import re

from django.db import migrations, models
from django.utils import timezone

ESCAPE_INLINE = re.compile(r"([\\*_\[\]<>|`])")
LINE_START = re.compile(r"^([#+\-=:]|\d+(?=[.)]))")
UNESCAPE = re.compile(r"\\([\\*_\[\]<>|`#+\-=:.)])")
REASON = "Papers take markup: text escaped to read as before"


def _escape_start(match):
    marker = match.group(1)
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def escape(text: str) -> str:
    """Plain paragraphs (blank-line separated) as markup source that renders as the same text."""
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in re.split(r"[\r\n]", block)]
        lines = [LINE_START.sub(_escape_start, ESCAPE_INLINE.sub(r"\\\1", line)) for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def unescape(source: str) -> str:
    return UNESCAPE.sub(r"\1", source)


def _rewrite(apps, convert):
    PaperSection = apps.get_model("meetings", "PaperSection")
    Historical = apps.get_model("meetings", "HistoricalPaperSection")
    now, history = timezone.now(), []
    for section in PaperSection.objects.order_by("pk").iterator():
        body = convert(section.body)
        if body == section.body:
            continue
        PaperSection.objects.filter(pk=section.pk).update(body=body)  # its one history row is written below
        history.append(
            Historical(
                id=section.pk,
                paper_id=section.paper_id,
                position=section.position,
                heading=section.heading,
                body=body,
                history_date=now,
                history_type="~",
                history_change_reason=REASON[:100],
            )
        )
    Historical.objects.bulk_create(history, batch_size=500)


def forwards(apps, schema_editor):
    _rewrite(apps, escape)


def backwards(apps, schema_editor):
    _rewrite(apps, unescape)


HELP = (
    "Leave a blank line between paragraphs: each is numbered. Headings, lists, tables, bold, italic and links are "
    "written as the guide below shows."
)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0017_meeting_with_chair")]

    operations = [
        migrations.AlterField(model_name="papersection", name="body", field=models.TextField(help_text=HELP)),
        migrations.AlterField(model_name="historicalpapersection", name="body", field=models.TextField(help_text=HELP)),
        migrations.RunPython(forwards, backwards),
    ]
