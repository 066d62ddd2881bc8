"""Page mixins shared by every app: a form page with back link, and a confirm-then-act page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from .forms import ConfirmForm, GdsFormMixin, visible_choices


class FormPageMixin:
    """Fills the shared form page: heading, caption and where 'Back' and 'Cancel' go.

    Views load the objects they work on in `load()`, which runs only after the role check:
    a refused user gets the same answer whether or not the object exists. Every form gets the user
    (GdsFormMixin keeps it) and has its choice lists narrowed to what the user may open (`visible_choices`).
    """

    template_name = "form_page.html"
    heading = ""
    caption = ""

    def load(self, request, **kwargs):
        pass

    def dispatch(self, request, *args, **kwargs):
        if hasattr(self, "has_permission") and not self.has_permission():
            return self.handle_no_permission()
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.get_form_class(), GdsFormMixin):
            kwargs["viewer"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        visible_choices(form, self.request.user)  # every choice list, whatever the form set it to
        return form

    def get_back_url(self):
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, caption=self.get_caption(), back_url=self.get_back_url(), **kwargs
        )

    def get_caption(self):
        return self.caption


class ConfirmActionView(FormPageMixin, FormView):
    """GET shows what will happen; POST runs `act()` and reports a refused step as a message."""

    form_class = ConfirmForm
    submit_label = "Confirm"
    explanation = ""
    success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": self.submit_label}

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def act(self):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.act()
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            if self.success_message:
                messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())
