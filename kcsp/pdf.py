"""A small PDF generator kept apart from tasks: template in, PDF bytes out (WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, title: str, lang: str = "en-GB") -> bytes:
    """Render a print template to PDF with its title and language set, for screen readers."""
    import weasyprint  # imported here: it is slow to load and only workers need it

    html = render_to_string(template_name, {**context, "pdf_title": title, "pdf_lang": lang})
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
