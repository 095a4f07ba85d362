"""Reads of letter templates, letters, print batches and the export log."""

from django.db.models import Count, Max, OuterRef, Subquery

from accounts.correspondence.models import (
    DataExportLog,
    LetterTemplate,
    LetterTemplateVersion,
    PrintBatch,
)

FALLBACK_LANGUAGE = "en"


def current_version(key: str, language: str) -> LetterTemplateVersion | None:
    """The latest version of the `key` letter in `language` (one query), or None."""
    return (
        LetterTemplateVersion.objects.select_related("template")
        .filter(template__key=key, template__language=language)
        .order_by("-number")
        .first()
    )


def version_for(key: str, language: str) -> LetterTemplateVersion | None:
    """The current version in `language`, else in English (the fallback), else None."""
    version = current_version(key, language)
    if version is None and language != FALLBACK_LANGUAGE:
        version = current_version(key, FALLBACK_LANGUAGE)
    return version


def letter_language(key: str, language: str) -> str:
    """The language a customer speaking `language` gets the `key` letter in."""
    version = version_for(key, language)
    return version.template.language if version is not None else FALLBACK_LANGUAGE


def templates_with_current() -> list[LetterTemplate]:
    """Every template with its current version's number, subject, date and author (2 queries)."""
    latest = LetterTemplateVersion.objects.filter(template=OuterRef("pk")).order_by("-number")
    templates = list(
        LetterTemplate.objects.annotate(
            current_number=Max("versions__number"),
            current_version_id=Subquery(latest.values("pk")[:1]),
        ).order_by("key", "language")
    )
    versions = LetterTemplateVersion.objects.select_related("created_by").in_bulk(
        [template.current_version_id for template in templates if template.current_version_id]
    )
    for template in templates:
        template.current = versions.get(template.current_version_id)
    return templates


def template_versions(template: LetterTemplate) -> list[LetterTemplateVersion]:
    """The template's versions, latest first, with their authors (one query)."""
    return list(template.versions.select_related("created_by").order_by("-number"))


def print_batches(limit: int = 100) -> list[PrintBatch]:
    """The latest batches with their author and letter count, without their PDFs (one query)."""
    return list(
        PrintBatch.objects.defer("pdf")
        .select_related("created_by")
        .annotate(letter_count=Count("letters"))
        .order_by("-created_at", "-id")[:limit]
    )


def export_log(limit: int = 200) -> list[DataExportLog]:
    return list(DataExportLog.objects.select_related("by").order_by("-at", "-id")[:limit])
