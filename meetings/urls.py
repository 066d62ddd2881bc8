"""URLs of committee business, under /meetings/."""

from django.urls import path

from .views import agenda, committees, minutes, packs, public

app_name = "meetings"

urlpatterns = [
    path("", public.CalendarView.as_view(), name="calendar"),
    path("meetings.ics", public.ICalFeedView.as_view(), name="ical"),
    path("new/", agenda.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", public.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/edit/", agenda.MeetingEditView.as_view(), name="meeting_edit"),
    path("<int:pk>/items/new/", agenda.ItemCreateView.as_view(), name="item_create"),
    path("<int:pk>/agree/", agenda.AgendaAgreeView.as_view(), name="agenda_agree"),
    path("<int:pk>/publish/", agenda.MeetingPublishView.as_view(), name="meeting_publish"),
    path("<int:pk>/held/", agenda.MeetingHeldView.as_view(), name="meeting_held"),
    path("<int:pk>/packs/", packs.PackStatusView.as_view(), name="pack_status"),
    path("<int:pk>/packs/rebuild/", packs.PackRebuildView.as_view(), name="pack_rebuild"),
    path("<int:pk>/packs/<str:kind>.pdf", packs.PackDownloadView.as_view(), name="pack_download"),
    path("<int:pk>/attendance/", minutes.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/apologies/", minutes.ApologiesView.as_view(), name="apologies"),
    path("<int:pk>/declarations/new/", minutes.DeclarationCreateView.as_view(), name="declaration_create"),
    path("<int:pk>/minutes/", public.MinutesView.as_view(), name="minutes"),
    path("<int:pk>/minutes/new/", minutes.MinuteCreateView.as_view(), name="minute_create"),
    path("<int:pk>/minutes/approve/", minutes.MinutesApproveView.as_view(), name="minutes_approve"),
    path("items/<int:pk>/", public.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", agenda.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/move/<str:direction>/", agenda.ItemMoveView.as_view(), name="item_move"),
    path("items/<int:pk>/remove/", agenda.ItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/papers/write/", agenda.PaperWriteView.as_view(), name="paper_write"),
    path("items/<int:pk>/papers/upload/", agenda.PaperUploadView.as_view(), name="paper_upload"),
    path("papers/<int:pk>/", public.PaperDetailView.as_view(), name="paper_detail"),
    path("papers/<int:pk>/edit/", agenda.PaperEditView.as_view(), name="paper_edit"),
    path("papers/<int:pk>/file/", public.PaperFileView.as_view(), name="paper_file"),
    path("papers/<int:pk>/sections/new/", agenda.SectionCreateView.as_view(), name="section_create"),
    path("papers/<int:pk>/appendices/new/", agenda.AppendixCreateView.as_view(), name="appendix_create"),
    path("sections/<int:pk>/edit/", agenda.SectionEditView.as_view(), name="section_edit"),
    path("appendices/<int:pk>/file/", public.AppendixFileView.as_view(), name="appendix_file"),
    path("attendance/<int:pk>/remove/", minutes.AttendanceDeleteView.as_view(), name="attendance_delete"),
    path("minutes/<int:pk>/edit/", minutes.MinuteEditView.as_view(), name="minute_edit"),
    path("minutes/<int:pk>/actions/new/", minutes.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/edit/", minutes.ActionEditView.as_view(), name="action_edit"),
    path("committees/", committees.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", committees.CommitteeCreateView.as_view(), name="committee_create"),
    path("committees/<slug:slug>/", committees.CommitteeDetailView.as_view(), name="committee_detail"),
    path("committees/<slug:slug>/edit/", committees.CommitteeEditView.as_view(), name="committee_edit"),
    path("committees/<slug:slug>/terms/new/", committees.TermsOfReferenceCreateView.as_view(), name="terms_create"),
    path("committees/<slug:slug>/members/new/", committees.MembershipCreateView.as_view(), name="membership_create"),
    path("committees/<slug:slug>/offices/new/", committees.OfficeTermCreateView.as_view(), name="office_create"),
    path("terms/<int:pk>/", committees.TermsOfReferenceDetailView.as_view(), name="terms_detail"),
    path("memberships/<int:pk>/edit/", committees.MembershipEditView.as_view(), name="membership_edit"),
]
