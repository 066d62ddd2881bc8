"""Django's `{# … #}` comment is one line only: one that runs over lines is not a comment and is printed on the page
as typed (the action plan page showed its own caching note to every reader). Longer notes use
`{% comment %}…{% endcomment %}`. This reads every project template, so no page need be walked to find one."""

from pathlib import Path

from django.conf import settings

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".ics", ".svg"}


def project_template_files():
    """Every file under the project's template directories (settings DIRS and each project app's templates/)."""
    base = Path(settings.BASE_DIR)
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [path for path in base.glob("*/templates") if path.is_dir() and not path.parent.name.startswith(".")]
    return sorted({f for root in roots for f in root.rglob("*") if f.suffix in TEMPLATE_SUFFIXES and f.is_file()})


def test_no_template_has_a_comment_that_runs_over_lines():
    files = project_template_files()
    assert len(files) > 50, "the template directories were not found"
    problems = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            start = line.rfind("{#")
            if start != -1 and "#}" not in line[start:]:
                problems.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:80]}")
    assert not problems, "a {# comment #} must open and close on one line (use {% comment %}):\n" + "\n".join(problems)
