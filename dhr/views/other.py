"""Money, lessons, timescales, the access log, agenda links, and the public list of published reviews."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.locking import RecordLockMixin
from kcsp.pages import FormPageMixin
from meetings.models import AgendaItem
from meetings.packbuild.requests import packs_refresh_if_published

from .. import forms
from ..exports import access_log_csv
from ..gate import dhr_public
from ..models import AccessLog, AgendaLink, Case, FundingYear, LessonEvent, TimescaleRule
from ..services import timescale_rule_save
from .base import CaseFormMixin, ClearedMixin, LoggedViewMixin


class CaseCostCreateView(CaseFormMixin, CreateView):
    form_class = forms.CaseCostForm
    heading = "Add a cost"


class FundingView(LoggedViewMixin, ListView):
    template_name = "dhr/funding.html"
    page_name = "Costs and funding"
    log_action = AccessLog.Action.LIST
    paginate_by = 10

    def get_queryset(self):
        return FundingYear.objects.prefetch_related("contributions__organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = [(year, year.totals()) for year in context["object_list"]]
        return context


class SectionFormMixin(ClearedMixin, FormPageMixin):
    """A form in the DHR section not about one case."""

    back = "dhr:funding"

    def get_back_url(self):
        return reverse(self.back)

    def form_valid(self, form):
        obj = form.save()
        self.log(AccessLog.Action.CREATE, f"{self.heading}: {obj}")
        messages.success(self.request, "Saved.")
        return redirect(self.back)


class FundingYearCreateView(SectionFormMixin, CreateView):
    form_class = forms.FundingYearForm
    heading = "Add a funding year"


class ContributionCreateView(SectionFormMixin, CreateView):
    form_class = forms.FundingContributionForm
    heading = "Add a partner contribution"

    def load(self, request, **kwargs):
        self.funding_year = get_object_or_404(FundingYear, pk=kwargs["pk"])

    def get_caption(self):
        return f"Funding year {self.funding_year}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "funding_year": self.funding_year}

    def form_valid(self, form):
        form.instance.funding_year = self.funding_year
        return super().form_valid(form)


class LessonListView(LoggedViewMixin, ListView):
    template_name = "dhr/lesson_list.html"
    page_name = "Lessons: seminars and briefings"
    log_action = AccessLog.Action.LIST
    paginate_by = 25

    def get_queryset(self):
        return LessonEvent.objects.prefetch_related("cases")


class LessonCreateView(SectionFormMixin, CreateView):
    form_class = forms.LessonEventForm
    heading = "Add a seminar or briefing"
    back = "dhr:lesson_list"


class TimescaleListView(LoggedViewMixin, ListView):
    template_name = "dhr/timescale_list.html"
    page_name = "Statutory timescales"
    log_action = AccessLog.Action.LIST
    model = TimescaleRule


class TimescaleEditView(RecordLockMixin, SectionFormMixin, UpdateView):
    form_class = forms.TimescaleRuleForm
    model = TimescaleRule
    heading = "Change a timescale"
    back = "dhr:timescale_list"

    def get_caption(self):
        return self.object.get_key_display()

    def form_valid(self, form):
        rule = timescale_rule_save(rule=form.instance)
        self.log(AccessLog.Action.CHANGE, f"Timescale: {rule}")
        messages.success(self.request, "Timescale saved. Every case's due dates have been recalculated.")
        return redirect(self.back)


class AccessLogView(LoggedViewMixin, ListView):
    template_name = "dhr/access_log.html"
    page_name = "Access log"
    log_action = AccessLog.Action.LIST
    paginate_by = 50

    def get_queryset(self):
        return AccessLog.objects.select_related("user", "case")


class AccessLogExportView(ClearedMixin, View):
    """The whole log as CSV; the export itself is logged."""

    def get(self, request):
        self.log(AccessLog.Action.EXPORT, "Access log (CSV)")
        outgoing = Outgoing(
            f"dhr-access-log-{timezone.localdate()}.csv",
            "csv",
            access_log_csv(AccessLog.objects.all()),
            sensitivity=Sensitivity.RESTRICTED,
            what="DHR access log (CSV)",
            stamped=True,  # the exporter wrote the marking as its first row
        )
        return file_send(request, None, lambda _: outgoing)


class AgendaLinkView(ClearedMixin, RecordLockMixin, FormPageMixin, UpdateView):
    """Link a DHR agenda item to cases and choose whether its pack carries the generated update paper."""

    form_class = forms.AgendaLinkForm
    heading = "Cases for this agenda item"

    def load(self, request, **kwargs):
        self.item = get_object_or_404(
            AgendaItem.objects.visible_to(request.user).filter(restriction_reason="dhr").select_related("meeting"),
            pk=kwargs["pk"],
        )

    def get_object(self, queryset=None):
        return AgendaLink.objects.filter(item=self.item).first() or AgendaLink(item=self.item)

    def get_caption(self):
        return f"{self.item.meeting}: {self.item}"

    def get_back_url(self):
        return self.item.get_absolute_url()

    def form_valid(self, form):
        link = form.save()
        self.log(AccessLog.Action.CHANGE, f"Agenda item {self.item} linked to {link.cases.count()} case(s)")
        packs_refresh_if_published(self.item.meeting)
        messages.success(self.request, "Saved. A published meeting's DHR pack is rebuilt with the change.")
        return redirect(self.item)


class PublishedReviewListView(ListView):
    """Public: the reviews a cleared user chose to list, showing only pseudonym, year, date and report."""

    template_name = "dhr/published_list.html"
    paginate_by = 25

    def get_queryset(self):
        dhr_public(self.request)
        return (
            Case.objects.published_publicly()
            .only("id", "pseudonym", "year", "published_on", "published_url", "published_report", "status")
            .order_by("-published_on")
        )


class PublishedReportView(View):
    """Public download of a listed review's published report; nothing else of the case is reachable."""

    def get(self, request, pk):
        dhr_public(request)
        return file_send(
            request,
            Case.objects.published_publicly().exclude(published_report=""),
            lambda case: Outgoing(
                f"DHR {case.pseudonym} {case.year}.pdf", "pdf", field_file=case.published_report, inline=True
            ),
            pk=pk,
        )
