"""Background sending of notices: thin tasks that load rows and call the services."""

from celery import shared_task

from . import services


@shared_task
def pack_published_task(meeting_id: int) -> int:
    from meetings.models import Meeting

    meeting = Meeting.objects.filter(pk=meeting_id).select_related("committee").first()
    return services.pack_published_notify(meeting=meeting) if meeting else 0


@shared_task
def supplementary_paper_task(paper_id: int) -> int:
    from meetings.models import Paper

    paper = Paper.objects.filter(pk=paper_id).select_related("item__meeting__committee").first()
    return services.supplementary_paper_notify(paper=paper) if paper else 0


@shared_task
def apologies_task(attendance_id: int) -> int:
    from meetings.models import Attendance

    attendance = Attendance.objects.filter(pk=attendance_id).select_related("meeting", "person").first()
    return services.apologies_notify(attendance=attendance) if attendance else 0


@shared_task
def action_reminders_task() -> int:
    return services.action_reminders_send()


@shared_task
def plan_update_reminders_task() -> int:
    return services.plan_update_reminders_send()


@shared_task
def terms_review_reminders_task() -> int:
    return services.terms_review_reminders_send()
