"""What a paper says, read once for every fingerprint of it: the chair's agenda and a member's notes share it."""

import hashlib
import json

from django.db.models import QuerySet

from .models import Appendix, PaperSection

# What a paper prints, in this order (the chair's agenda adds where it sits): its file is the stored name, a new
# random one on every upload (models.papers.private_upload_to), so a replaced file is a change.
PAPER_FIELDS = (
    "subject", "format", "authors", "addressed_to", "classification", "summary", "recommendations", "contact", "file",
)  # fmt: skip
SECTION_FIELDS = ("pk", "paper_id", "position", "heading", "body")
APPENDIX_FIELDS = ("pk", "paper_id", "letter", "title", "file")


def paper_rows(papers: QuerySet, *, fields: tuple[str, ...] = ("pk", *PAPER_FIELDS)) -> dict[str, list]:
    """{"papers", "sections", "appendices"}: value rows (tuples, ordered by pk) of `papers` (a Paper queryset) and of
    their sections and appendices, in three queries whatever their number. `fields` are the paper's columns read;
    sections are read as SECTION_FIELDS, appendices as APPENDIX_FIELDS. Values only: no rows are loaded as models,
    so reading a DHR paper's text here marks no request (the caller's view decides who may see what)."""
    wanted = papers.values("pk")
    return {
        "papers": list(papers.order_by("pk").values_list(*fields)),
        "sections": list(PaperSection.objects.filter(paper__in=wanted).order_by("pk").values_list(*SECTION_FIELDS)),
        "appendices": list(Appendix.objects.filter(paper__in=wanted).order_by("pk").values_list(*APPENDIX_FIELDS)),
    }


def digest(content) -> str:
    """SHA-256 (hex, 64 characters) of `content` as sorted JSON (dates and other values as their text)."""
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode("utf-8")).hexdigest()
