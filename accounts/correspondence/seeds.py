"""The starting letter templates (every kind in English and Spanish, so a Spanish-speaking
customer's letter is Spanish from the first bill run), written once: a template
that already has a version is never touched, so a supervisor's edits survive every migrate."""

from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from accounts.correspondence.models import LetterTemplate, LetterTemplateVersion

SEED_DIR = Path(__file__).parent / "seed_letters"
SEED_REASON = "Starting text"

SUBJECTS = {
    ("welcome", "en"): "Welcome to {{ district_name }}",
    ("welcome", "es"): "Bienvenido a {{ district_name }}",
    ("returned-payment", "en"): "Your payment was returned by your bank",
    ("returned-payment", "es"): "Su banco devolvió su pago",
    ("high-use", "en"): "Your water use is higher than usual",
    ("high-use", "es"): "Su consumo de agua es más alto de lo normal",
    ("deposit-refund", "en"): "Your deposit has been returned",
    ("deposit-refund", "es"): "Le devolvimos su depósito",
    ("general", "en"): "About your water account",
    ("general", "es"): "Sobre su cuenta de agua",
}


def seed_bodies() -> dict[tuple[str, str], tuple[str, str]]:
    """(key, language) -> (subject, body) of the starting texts."""
    return {
        (key, language): (subject, (SEED_DIR / f"{key}.{language}.html").read_text().strip())
        for (key, language), subject in SUBJECTS.items()
    }


def seed_letter_templates(*, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> int:
    """post_migrate: add each starting text whose template has no version yet (how many)."""
    added = 0
    for (key, language), (subject, body) in seed_bodies().items():
        template, _created = LetterTemplate.objects.using(using).get_or_create(
            key=key, language=language
        )
        if template.versions.exists():
            continue  # written or edited already: never overwritten
        LetterTemplateVersion.objects.using(using).create(
            template=template, number=1, subject=subject, body=body, reason=SEED_REASON
        )
        added += 1
    return added
