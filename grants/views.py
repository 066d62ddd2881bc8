"""Pages of the Crime Reduction Grant: the public year summary and funded projects, partners' bids,
the working group's and Commissioner's steps, and the chair's queue."""

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.fragments import cached_for_viewer
from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import FormPageMixin

from . import exports, selectors, services
from .budget import pot_figures
from .forms import (
    AttachmentForm,
    BidForm,
    BidMinuteForm,
    ChairDecisionForm,
    StepForm,
)
from .models import Bid, BidAttachment, GrantYear
from .workflow import STEPS, steps_for

# Steps whose form also offers the minute that decided the bid (to officers).
MINUTED_TARGETS = (
    Bid.Status.APPROVED,
    Bid.Status.REJECTED,
    Bid.Status.COMMISSIONER_APPROVED,
    Bid.Status.COMMISSIONER_DECLINED,
)


class BidListView(RolePermissionMixin, ListView):
    permission_required = "grants.view_bids"
    template_name = "grants/bid_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.grant_year = get_object_or_404(GrantYear, year=self.kwargs["year"])
        self.status = self.request.GET.get("status", "")
        return selectors.bids_for(self.request.user, self.grant_year, self.status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grant_year=self.grant_year,
            statuses=Bid.Status.choices,
            status=self.status,
            can_submit=self.request.user.has_perm("grants.submit_bid") and not self.grant_year.is_closed,
            **kwargs,
        )


class BidCreateView(RolePermissionMixin, FormPageMixin, CreateView):
    permission_required = "grants.submit_bid"
    form_class = BidForm
    heading = "Propose a project for funding"

    def load(self, request, **kwargs):
        self.grant_year = get_object_or_404(GrantYear, year=kwargs["year"], closed_on__isnull=True)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "grant_year": self.grant_year}

    def get_caption(self):
        return str(self.grant_year)

    def get_back_url(self):
        return reverse("grants:bid_list", args=[self.grant_year.year])

    def form_valid(self, form):
        bid = services.bid_save(bid=form.instance, user=self.request.user)
        messages.success(self.request, f"{bid.reference} is saved as a draft. Submit it when it is ready.")
        return redirect(bid)


class BidMixin(RolePermissionMixin):
    permission_required = "grants.view_bids"

    def load_bid(self, pk):
        return get_object_or_404(selectors.bid_detail_queryset(self.request.user), pk=pk)


class BidDetailView(BidMixin, DetailView):
    template_name = "grants/bid_detail.html"
    context_object_name = "bid"

    def get_object(self, queryset=None):
        return self.load_bid(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        bid, user = self.object, self.request.user
        return super().get_context_data(
            steps=steps_for(bid, user),
            pot=pot_figures(bid.grant_year).get(bid.pot),
            decided_minute=selectors.decided_minute(bid, user),
            can_record_minute=user.has_perm("grants.manage_grant")
            and bid.steps.filter(to_status__in=services.CHAIR_DECISIONS).exists(),
            history=bid.history.select_related("history_user")[:20],
            can_edit=user.has_perm("grants.edit_bid", bid),
            can_attach=user.has_perm("grants.submit_this_bid", bid)
            and bid.status in (Bid.Status.DRAFT, Bid.Status.SUBMITTED),
            **kwargs,
        )


class BidFormPageMixin(BidMixin, FormPageMixin):
    """A form page about one bid the user can see, opened only with `bid_permission` on that bid."""

    bid_permission = ""

    def load(self, request, **kwargs):
        self.bid = self.load_bid(kwargs["pk"])
        if self.bid_permission and not request.user.has_perm(self.bid_permission, self.bid):
            raise PermissionDenied

    def get_caption(self):
        return self.bid.reference

    def get_back_url(self):
        return self.bid.get_absolute_url()


class BidEditView(RecordLockMixin, BidFormPageMixin, UpdateView):
    form_class = BidForm
    heading = "Change the draft bid"
    bid_permission = "grants.edit_bid"

    def get_object(self, queryset=None):
        return self.bid

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "grant_year": self.bid.grant_year}

    def form_valid(self, form):
        try:
            bid = services.bid_save(bid=form.instance, user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The draft is saved.")
        return redirect(bid)


class BidStepView(BidFormPageMixin, FormView):
    """Any workflow step: the form asks for what the step needs; the service refuses illegal moves."""

    form_class = StepForm

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.step = STEPS.get(kwargs["action"])
        if self.step is None:
            raise Http404
        if not request.user.has_perm(self.step.permission, self.bid):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        year = self.bid.grant_year
        if not self.step.sources_for(year):
            messages.error(request, f"The {year.label} round ends at the chair's approval: it has no such step.")
            return redirect(self.bid)
        if self.bid.status not in self.step.sources_for(year):
            messages.error(
                request,
                f"{self.bid.reference} is '{self.bid.get_status_display()}': it cannot be moved to "
                f"'{Bid.Status(self.step.target).label}'.",
            )
            return redirect(self.bid)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        minutes = None
        if self.step.target in MINUTED_TARGETS and self.request.user.has_perm("grants.manage_grant"):
            minutes = selectors.decision_minutes(self.request.user)
        return {**super().get_form_kwargs(), "step": self.step, "bid": self.bid, "minutes": minutes}

    def get_context_data(self, **kwargs):
        self.heading = f"{self.step.label}: {self.bid.title}"
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            bid = services.bid_step(bid=self.bid, action=self.step.action, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{bid.reference} is now '{bid.get_status_display()}'.")
        return redirect(bid)


class BidMinuteView(RecordLockMixin, BidFormPageMixin, UpdateView):
    """Officers link a decided bid to the minute and resolution that decided it."""

    form_class = BidMinuteForm
    heading = "The minute that decided the bid"
    bid_permission = "grants.manage_grant"

    def get_object(self, queryset=None):
        return self.bid

    def get_form_kwargs(self):
        minutes = selectors.decision_minutes(self.request.user)
        return {**super().get_form_kwargs(), "minutes": minutes}

    def form_valid(self, form):
        try:
            bid = services.bid_minute_record(
                bid=self.bid, minute=form.cleaned_data["decided_at_minute"], user=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The minute that decided the bid is saved.")
        return redirect(bid)


class AttachmentCreateView(BidFormPageMixin, FormView):
    form_class = AttachmentForm
    heading = "Attach a document"
    bid_permission = "grants.submit_this_bid"

    def form_valid(self, form):
        try:
            services.attachment_add(
                bid=self.bid,
                user=self.request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                original_name=form.checked.original_name,
                file_kind=form.checked.kind,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The document is attached.{form.checked.removal_note()}")
        return redirect(self.bid)


class AttachmentFileView(BidMixin, View):
    """Bid attachments are only ever sent through here, after the same rule as the bid page."""

    def get(self, request, pk):
        visible = BidAttachment.objects.filter(bid__in=selectors.bid_detail_queryset(request.user))
        return file_send(
            request,
            visible,
            lambda attachment: Outgoing(
                attachment.original_name,
                attachment.file_kind,
                field_file=attachment.file,
                sensitivity=Sensitivity.PRIVATE,
                subject=attachment,
            ),
            pk=pk,
        )


# Where each form's CSRF token goes in the cached queue: derived from SECRET_KEY, so no bid's text can hold it.
CSRF_SLOT = "csrfslot" + hmac.new(settings.SECRET_KEY.encode(), b"grant-queue-csrf", hashlib.sha256).hexdigest()[:24]


class QueueView(RolePermissionMixin, TemplateView):
    """Everything the chair needs to decide each recommended bid, on one page, one action per bid."""

    permission_required = "grants.decide_bid"
    template_name = "grants/queue.html"

    def get_context_data(self, bound=None, **kwargs):
        """entries_html: the queue's bids, each with what the chair reads and its decision form. Cached for everyone
        with the chair's rights under the list of bids in the queue (kcsp/fragments.py) with a slot where each
        form's CSRF token goes, filled with this request's token; a refused decision (`bound`) is built afresh."""
        request = self.request
        pks = list(selectors.awaiting_chair_pks())
        if bound is not None:
            html = self.entries_html(bound=bound)
        else:
            make = lambda: self.entries_html(csrf=CSRF_SLOT)  # noqa: E731
            html = cached_for_viewer("grant-queue", request.user, pks, make, shared=True)
            html = html.replace(CSRF_SLOT, get_token(request))
        return super().get_context_data(entries_html=mark_safe(html), count=len(pks), **kwargs)  # noqa: S308

    def entries_html(self, bound=None, csrf=None) -> str:
        """The queue's bids as HTML (templates/grants/_queue_entries.html); four queries however many bids."""
        bids = list(selectors.awaiting_chair())
        forms = {bid.pk: ChairDecisionForm(bid=bid) for bid in bids}
        if bound is not None:
            forms[bound.bid_pk] = bound
        pots = selectors.pots_by_year({bid.grant_year for bid in bids})
        entries = [(bid, forms[bid.pk], pots[bid.grant_year_id][bid.pot]) for bid in bids]
        context = {"entries": entries, "csrf_token": csrf} if csrf else {"entries": entries}
        return render_to_string("grants/_queue_entries.html", context, request=None if csrf else self.request)

    http_method_names = ["get", "head", "options"]


class QueueDecideView(QueueView):
    """The chair's decision on one bid of the queue; a refused decision shows the queue with its error."""

    http_method_names = ["get", "head", "options", "post"]

    def post(self, request, pk):
        bid = get_object_or_404(Bid.objects.awaiting_chair(), pk=pk)
        form = ChairDecisionForm(request.POST, bid=bid)
        form.bid_pk = bid.pk
        if form.is_valid():
            decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
            try:
                services.bid_step(bid=bid, action=decision, user=request.user, reason=comment)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                verb = "approved" if decision == "approve" else "rejected"
                messages.success(request, f"{bid.reference} {bid.title} is {verb}.")
                return redirect("grants:queue")
        return self.render_to_response(self.get_context_data(bound=form))


class BidExportView(RolePermissionMixin, View):
    permission_required = "grants.export_bids"
    FORMATS = {"csv": exports.bids_csv, "xlsx": exports.bids_xlsx}

    def get(self, request, year, fmt):
        if fmt not in self.FORMATS:
            raise Http404
        build = self.FORMATS[fmt]

        def outgoing(grant_year):
            bids = selectors.bids_for(request.user, grant_year, "").exclude(status=Bid.Status.DRAFT)
            data = build(grant_year, bids)
            return Outgoing(f"crg-bids-{grant_year.year}.{fmt}", fmt, data, sensitivity=Sensitivity.PRIVATE)

        return file_send(request, GrantYear.objects.all(), outgoing, year=year)


class GivingExportView(View):
    """Funded grants in the 360Giving Data Standard, public so the data can be published: as CSV (the standard's
    column titles) or, with kind "json", as its JSON data package; both from grants.exports.giving_record."""

    kind = "csv"
    BUILDERS = {"csv": exports.giving_csv, "json": exports.giving_json}

    def get(self, request):
        data = self.BUILDERS[self.kind](selectors.funded_bids())
        return file_send(request, None, lambda _: Outgoing(f"kcsp-360giving.{self.kind}", self.kind, data))
