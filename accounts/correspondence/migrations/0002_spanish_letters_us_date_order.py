"""The Spanish starting letters write their dates month/day/year, as the bill does.

A Spanish template whose current version is still the unedited starting text gets a new version
with the dates in US order; a supervisor's own version is left as they wrote it."""

from django.db import migrations

DAY_FIRST, MONTH_FIRST = 'date:"d/m/Y"', 'date:"m/d/Y"'
REASON = "Starting text: dates month/day/year, as on the bill"


def dates_month_first(apps, schema_editor):
    LetterTemplate = apps.get_model("correspondence", "LetterTemplate")
    LetterTemplateVersion = apps.get_model("correspondence", "LetterTemplateVersion")
    for template in LetterTemplate.objects.filter(language="es"):
        current = template.versions.order_by("-number").first()
        if current is None or current.created_by_id is not None or DAY_FIRST not in current.body:
            continue
        if current.reason != "Starting text":
            continue
        LetterTemplateVersion.objects.create(
            template=template,
            number=current.number + 1,
            subject=current.subject,
            body=current.body.replace(DAY_FIRST, MONTH_FIRST),
            reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_letters_templates_batches_export_log")]

    operations = [migrations.RunPython(dates_month_first, migrations.RunPython.noop)]
