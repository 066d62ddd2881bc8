"""A small PDF generator kept apart from tasks: template in, PDF bytes out (WeasyPrint)."""

import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string

_LOCAL = threading.local()


def print_asset_dirs() -> list[Path]:
    return [Path(settings.BASE_DIR, "static").resolve(), Path(settings.STATIC_ROOT).resolve()]


def font_config():
    """This thread's one WeasyPrint FontConfiguration, made on first use and kept for the life of the process.

    WeasyPrint makes a new one (a new Fontconfig set-up and Pango font map) for every document unless given one;
    shared, the fonts of the print font stack (templates/kcsp/pdf/base_style.html) are loaded and shaped once
    per process rather than once per document: a paper lays out about 40% faster from the second document on
    (bench/pack.py). Per thread, as Pango font maps are not made to be shared between threads. Our print
    templates use system fonts only (no @font-face), so nothing a document says changes it for the next one."""
    config = getattr(_LOCAL, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _LOCAL.font_config = FontConfiguration()
    return config


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


def html_pdf(html: str, **options) -> bytes:
    """`html` (a whole document, no external resources) as PDF bytes, with this thread's shared `font_config`."""
    import weasyprint  # imported here: it is slow to load and only workers need it

    return weasyprint.HTML(string=html).write_pdf(font_config=font_config(), **options)


def render_pdf(template_name: str, context: dict, *, title: str, lang: str = "en-GB") -> bytes:
    """Render a print template to a tagged PDF with its title and language set, for screen readers."""
    return print_pdf(render_to_string(template_name, {**context, "pdf_title": title, "pdf_lang": lang}))


def print_pdf(html: str) -> bytes:
    """A print template's rendered HTML (`render_pdf`) as a tagged PDF (PDF/UA-1), loading only print assets."""
    import weasyprint  # imported here: it is slow to load and only workers need it

    document = weasyprint.HTML(string=html, base_url=str(print_asset_dirs()[0]), url_fetcher=_asset_fetcher_class()())
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True, font_config=font_config())
