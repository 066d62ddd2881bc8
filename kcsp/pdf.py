"""A small PDF generator kept apart from tasks: template in, PDF bytes out (WeasyPrint)."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string


def print_asset_dirs() -> list[Path]:
    return [Path(settings.BASE_DIR, "static").resolve(), Path(settings.STATIC_ROOT).resolve()]


def _asset_fetcher_class():
    from weasyprint.urls import URLFetcher

    class PrintAssetFetcher(URLFetcher):
        """Loads only data: URLs and files under the static folders: never the network or other files."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(folder) for folder in print_asset_dirs()):
                    return super().fetch(url, headers)
            raise ValueError(f"Not loaded in a PDF: {url}")

    return PrintAssetFetcher


def render_pdf(template_name: str, context: dict, *, title: str, lang: str = "en-GB") -> bytes:
    """Render a print template to a tagged PDF with its title and language set, for screen readers."""
    import weasyprint  # imported here: it is slow to load and only workers need it

    html = render_to_string(template_name, {**context, "pdf_title": title, "pdf_lang": lang})
    document = weasyprint.HTML(string=html, base_url=str(print_asset_dirs()[0]), url_fetcher=_asset_fetcher_class()())
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
