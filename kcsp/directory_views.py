"""The directory's pages: partner organisations and people; officers add, correct and retire (issue 15)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .directory import DuplicatePerson, organisation_active_set, organisation_save, people_search, person_save
from .directory_forms import OrganisationForm, PersonForm
from .history import record_history
from .identifiers import giving_identifier
from .locking import RecordLockMixin
from .mixins import RolePermissionMixin
from .models import Organisation, Person
from .pages import ConfirmActionView, FormPageMixin

MANAGE = "kcsp.manage_directory"
SEARCH_LENGTH = 100  # characters of a search read


class ReaderMixin(RolePermissionMixin):
    permission_required = "kcsp.view_directory"


class ManagerMixin(RolePermissionMixin):
    permission_required = MANAGE


def _visible_organisations(user):
    """Everyone in the directory sees active organisations; officers also see retired ones, to reactivate them."""
    return Organisation.objects.all() if user.has_perm(MANAGE) else Organisation.objects.active()


class OrganisationListView(ReaderMixin, ListView):
    template_name = "kcsp/organisation_list.html"
    paginate_by = 25

    def get_queryset(self):
        return _visible_organisations(self.request.user).order_by("-is_active", "kind", "name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=self.request.user.has_perm(MANAGE), **kwargs)


class OrganisationDetailView(ReaderMixin, DetailView):
    template_name = "kcsp/organisation_detail.html"

    def get_queryset(self):
        return _visible_organisations(self.request.user)

    def get_context_data(self, **kwargs):
        can_manage = self.request.user.has_perm(MANAGE)
        return super().get_context_data(
            can_manage=can_manage,
            people=self.object.people.order_by("surname", "initials"),
            giving_identifier=giving_identifier(self.object),
            history=record_history(self.object) if can_manage else [],
            **kwargs,
        )


class ServiceFormMixin:
    """form_valid saves through the directory's service; a refusal goes back on the form, what was typed kept."""

    success_message = ""

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except DuplicatePerson as duplicate:
            form.add_error(None, duplicate.message)
            return self.render_to_response(self.get_context_data(form=form, duplicate=duplicate.existing))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(self.object))
        return redirect(self.object.get_absolute_url())


class OrganisationCreateView(ManagerMixin, ServiceFormMixin, FormPageMixin, CreateView):
    form_class = OrganisationForm
    heading = "Add an organisation"
    caption = "Directory"
    success_message = "{} added to the directory."

    def get_back_url(self):
        return reverse("organisation_list")

    def save(self, form):
        return organisation_save(organisation=form.instance, user=self.request.user)


class OrganisationEditView(ManagerMixin, RecordLockMixin, ServiceFormMixin, FormPageMixin, UpdateView):
    form_class = OrganisationForm
    heading = "Edit organisation"
    caption = "Directory"
    model = Organisation
    success_message = "{} saved."

    def get_back_url(self):
        return self.object.get_absolute_url()

    def save(self, form):
        return organisation_save(organisation=form.instance, user=self.request.user)


class OrganisationActiveView(ManagerMixin, ConfirmActionView):
    """Retire (`active` False) or reactivate an organisation, after a confirmation page."""

    active = False

    def load(self, request, **kwargs):
        self.organisation = get_object_or_404(Organisation, pk=kwargs["pk"])

    @property
    def heading(self):
        return f"{'Reactivate' if self.active else 'Retire'} {self.organisation.name}"

    @property
    def submit_label(self):
        return "Reactivate organisation" if self.active else "Retire organisation"

    @property
    def explanation(self):
        if self.active:
            return "It is listed in the directory again and can be chosen for people and committee memberships."
        return (
            "It is no longer listed in the directory or offered for new people. Nothing is deleted: its people, "
            "committee memberships and every record that names it are kept, and it can be reactivated."
        )

    @property
    def success_message(self):
        return f"{self.organisation.name} {'reactivated' if self.active else 'retired'}."

    def get_caption(self):
        return "Directory"

    def get_back_url(self):
        return self.organisation.get_absolute_url()

    get_success_url = get_back_url

    def act(self):
        organisation_active_set(organisation=self.organisation, active=self.active, user=self.request.user)


class PersonListView(ReaderMixin, ListView):
    """Everyone recorded, by surname; `q` searches names and organisations (kcsp.directory.people_search)."""

    template_name = "kcsp/person_list.html"
    paginate_by = 50
    context_object_name = "people"

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "")[:SEARCH_LENGTH].split())
        return people_search(self.query)

    def get_context_data(self, **kwargs):
        from urllib.parse import urlencode

        return super().get_context_data(
            query=self.query,
            query_prefix=f"{urlencode({'q': self.query})}&" if self.query else "",
            can_manage=self.request.user.has_perm(MANAGE),
            **kwargs,
        )


class PersonDetailView(ReaderMixin, DetailView):
    template_name = "kcsp/person_detail.html"
    queryset = Person.objects.with_organisation()
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        from meetings.models import Membership, OfficeTerm

        person, can_manage = self.object, self.request.user.has_perm(MANAGE)
        return super().get_context_data(
            can_manage=can_manage,
            memberships=Membership.objects.filter(person=person)
            .select_related("committee", "organisation")
            .order_by("-starts_on"),
            office_terms=OfficeTerm.objects.filter(person=person).select_related("committee").order_by("-starts_on"),
            history=record_history(person, leave_out=("user",)) if can_manage else [],
            **kwargs,
        )


class PersonCreateView(ManagerMixin, ServiceFormMixin, FormPageMixin, CreateView):
    form_class = PersonForm
    heading = "Add a person"
    caption = "Directory"
    template_name = "kcsp/person_form.html"
    success_message = "{} added to the directory."

    def get_back_url(self):
        return reverse("person_list")

    def save(self, form):
        return person_save(person=form.instance, user=self.request.user)


class PersonEditView(ManagerMixin, RecordLockMixin, ServiceFormMixin, FormPageMixin, UpdateView):
    form_class = PersonForm
    heading = "Edit person"
    caption = "Directory"
    template_name = "kcsp/person_form.html"
    queryset = Person.objects.with_organisation()
    success_message = "{} saved."

    def get_back_url(self):
        return reverse("person_detail", args=[self.object.pk])

    def save(self, form):
        return person_save(person=form.instance, user=self.request.user)
