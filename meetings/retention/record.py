"""Minutes ("minutes"), attendance ("attendance") and declarations ("declaration"), each kept per meeting: the
object id of these record types is the meeting's id, and disposing of one disposes of that part of the meeting.

Signed minutes with their attendance and declarations are frozen and the public record (meetings/freeze.py; the
database refuses the writes too): a meeting whose minutes are signed is never listed by these types, and
disposing of its part raises DisposalRefused. Anonymisation never rewrites a signed record: a person named in
signed attendance or declarations keeps the name as recorded there; anonymising the person (kcsp/retention.py)
removes their contact details, e-mail and account link only. These types offer no "anonymise" of their own.
"""

from django.db.models import Exists, F, OuterRef

from kcsp.governance.erase import rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, register
from kcsp.governance.typebase import ModelRecordType
from meetings import access
from meetings.models import Attendance, Declaration, Meeting, Minute

from .common import REFUSED_SIGNED, is_signed, meeting_day, meeting_label, signed_q


class MeetingPartRecords(ModelRecordType):
    """One part (`part`: a model with a `meeting` foreign key) of each meeting that has any."""

    model = Meeting
    part = None
    noun = ""
    triggers = (Trigger.MEETING,)
    actions = (Action.KEEP, Action.ARCHIVE, Action.REVIEW, Action.DELETE)

    @property
    def label_values(self):
        values = {"l_committee": F("committee__name"), "l_starts": F("starts_at")}
        if hasattr(self.part, "dhr_item_path"):
            dhr_rows = self.part._base_manager.filter(meeting_id=OuterRef("pk"))
            values["l_dhr"] = Exists(dhr_rows.filter(item__restriction_reason=access.DHR_REASON))
        return values

    def rows(self):
        return Meeting._base_manager.filter(Exists(self.part._base_manager.filter(meeting_id=OuterRef("pk"))))

    def listable(self, action):
        return self.rows().exclude(signed_q())  # signed: the frozen public record, kept

    def trigger_on(self, trigger):
        return meeting_day()

    def label_of(self, values):
        return f"{self.noun} of {meeting_label(values)}"

    def is_dhr_of(self, values):
        return bool(values.get("l_dhr"))

    def refuse(self, object_id, action):
        if is_signed(object_id):
            raise DisposalRefused(REFUSED_SIGNED)

    def delete(self, object_id):
        return rows_delete(self.part._base_manager.filter(meeting_id=object_id))


class MinutesRecords(MeetingPartRecords):
    """A meeting's draft minutes with their actions and amendments (signed minutes are kept: module docstring)."""

    key = "minutes"
    part = Minute
    noun = "Minutes"

    def delete(self, object_id):
        from meetings.packbuild.withdraw import packs_withdraw_holding

        minutes = list(Minute._base_manager.filter(meeting_id=object_id))
        packs_withdraw_holding(reason="Minutes in it were disposed of under the retention schedule.", minutes=minutes)
        return super().delete(object_id)


class AttendanceRecords(MeetingPartRecords):
    """Who attended a meeting whose minutes were never signed."""

    key = "attendance"
    part = Attendance
    noun = "Attendance"


class DeclarationRecords(MeetingPartRecords):
    """Declarations of interest made at a meeting whose minutes were never signed."""

    key = "declaration"
    part = Declaration
    noun = "Declarations"


register(MinutesRecords())
register(AttendanceRecords())
register(DeclarationRecords())
