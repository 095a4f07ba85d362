"""Writes of correspondence: template versions, letters sent, print batches, the export log.

Each takes the acting user (`by`), checks the permission itself and returns the result.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.contacts.services import contact_log
from accounts.correspondence.kinds import letter_kind
from accounts.correspondence.merge import template_check
from accounts.correspondence.models import (
    DataExportLog,
    Letter,
    LetterTemplate,
    LetterTemplateVersion,
    PrintBatch,
)
from accounts.correspondence.rendering import RenderedLetter, letter_render
from accounts.models import Contact, Language, ServiceAccount
from district.errors import ServiceError, require
from district.masking import mask_email, mask_phone
from district.pdf import combined_pdf, html_document
from district.roles import Perm
from district.services import NIGHTLY_USERNAME

REASON_MAX = 300

# -- templates


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the letter changes (it is kept with the version)."})
    if len(reason) > REASON_MAX:
        raise ServiceError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return reason


@transaction.atomic
def letter_template_edit(
    *, template_id: int, subject: str, body: str, by, reason: str
) -> LetterTemplateVersion:
    """Save a new version of a template (the current one from now on); the old stay as they were.

    Refused, with nothing written, when the text uses anything outside the merge sandbox."""
    require(by, Perm.MANAGE_POLICIES, doing="edit letter templates")
    template = LetterTemplate.objects.select_for_update().filter(pk=template_id).first()
    if template is None:
        raise ServiceError("That letter template does not exist.")
    reason = _clean_reason(reason)
    subject, body = subject.strip(), body.strip()
    template_check(subject=subject, body=body, kind=letter_kind(template.key))
    current = template.versions.order_by("-number").first()
    if current is not None and (current.subject, current.body) == (subject, body):
        raise ServiceError("Nothing changed: the text is the same as the current version.")
    return LetterTemplateVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        subject=subject,
        body=body,
        reason=reason,
        created_by=by,
    )


@transaction.atomic
def letter_template_create(
    *, key: str, language: str, subject: str, body: str, by, reason: str
) -> LetterTemplate:
    """A letter in a language the district has not written it in yet (its version 1)."""
    require(by, Perm.MANAGE_POLICIES, doing="add letter templates")
    errors = {}
    if key not in LetterTemplate.Key.values:
        errors["key"] = "Choose which letter this is."
    if language not in Language.values:
        errors["language"] = "Choose the letter's language."
    if errors:
        raise ServiceError(errors)
    reason = _clean_reason(reason)
    subject, body = subject.strip(), body.strip()
    template_check(subject=subject, body=body, kind=letter_kind(key))
    try:
        with transaction.atomic():
            template = LetterTemplate.objects.create(key=key, language=language)
    except IntegrityError:
        raise ServiceError(
            {"language": "That letter already exists in that language: edit it instead."}
        ) from None
    LetterTemplateVersion.objects.create(
        template=template, number=1, subject=subject, body=body, reason=reason, created_by=by
    )
    return template


# -- letters


def wants_email(account: ServiceAccount) -> bool:
    """The customer chose e-mail: paperless on the account and an address on file."""
    return bool(account.paperless and account.customer.email)


def _letter_store(
    *, account, rendered: RenderedLetter, by, key: str, notes: str, batch=None
) -> Letter:
    emailed = wants_email(account)
    letter = Letter.objects.create(
        account=account,
        template_version=rendered.version,
        language=rendered.language,
        subject=rendered.subject,
        html=rendered.html,
        delivery=Letter.Delivery.EMAIL if emailed else Letter.Delivery.PRINT,
        email_to=account.customer.email if emailed else "",
        batch=batch,
        created_by=by,
    )
    contact_log(
        channel=Contact.Channel.EMAIL if emailed else Contact.Channel.MAIL,
        reason=letter_kind(key).contact_reason,
        by=by,
        account=account,
        notes=f"Letter sent ({letter.get_delivery_display().lower()}): {rendered.subject}"
        + (f". {notes}" if notes else ""),
    )
    if emailed:
        transaction.on_commit(lambda: letter_email_send(letter))
    return letter


def letter_email_send(letter: Letter) -> None:
    """E-mail a stored letter (after commit: a rolled-back letter is never sent)."""
    message = EmailMultiAlternatives(
        subject=" ".join(letter.subject.split()),
        body=strip_tags(letter.html),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.email_to],
    )
    message.attach_alternative(letter.html, "text/html")
    message.send()


@transaction.atomic
def letter_send(
    *, key: str, account: ServiceAccount, by, context_extra: dict | None = None, notes: str = ""
) -> Letter:
    """Send one letter: stored, logged to the account's contacts, e-mailed to a paperless
    customer with an address, else left for printing (its PDF prints from the stored HTML)."""
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="send letters to customers")
    rendered = letter_render(key=key, account=account, context_extra=context_extra)
    return _letter_store(account=account, rendered=rendered, by=by, key=key, notes=notes)


@transaction.atomic
def letter_batch_create(
    *,
    key: str,
    account_ids,
    by,
    reason: str,
    context_by_account: dict | None = None,
    idempotency_key: str | None = None,
) -> PrintBatch:
    """The `key` letter to each account, logged to its contacts: one combined PDF for the print
    shop, and an e-mail instead to each customer who chose e-mail.

    `context_by_account` maps an account id to its own merge facts (e.g. a high-use letter's
    usage). A repeated idempotency key returns the first batch. The night's jobs write their
    batches as the nightly user (a user who cannot sign in, and holds no role)."""
    if getattr(by, "username", None) != NIGHTLY_USERNAME:
        require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="send letters to customers")
    letter_kind(key)
    if idempotency_key:
        existing = PrintBatch.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why these letters go out."})
    accounts = list(
        ServiceAccount.objects.select_related("customer", "premise")
        .filter(pk__in=list(account_ids))
        .order_by("number")
    )
    if not accounts:
        raise ServiceError("No accounts to write to.")
    batch = PrintBatch.objects.create(
        key=key, reason=reason[:REASON_MAX], created_by=by, idempotency_key=idempotency_key
    )
    context_by_account = context_by_account or {}
    printed = []
    for account in accounts:
        rendered = letter_render(
            key=key, account=account, context_extra=context_by_account.get(account.pk)
        )
        letter = _letter_store(
            account=account, rendered=rendered, by=by, key=key, notes=reason, batch=batch
        )
        if not letter.is_emailed:
            printed.append(letter)
    if printed:
        # Laid out inside the transaction: a failed render leaves no batch and no letters.
        batch.pdf = combined_pdf([html_document(letter.html) for letter in printed])
    batch.printed_count = len(printed)
    batch.emailed_count = len(accounts) - len(printed)
    batch.save(update_fields=["pdf", "printed_count", "emailed_count"])
    return batch


# -- exports (Gov. Code 6254.16)


def _is_contact_column(column: str) -> bool:
    name = column.lower().replace("-", "").replace("_", "")
    return "phone" in name or "email" in name


def export_logged(*, by, what: str, why: str, rows, columns) -> list[list]:
    """Log an export of customer data and return its rows, with the phone and e-mail columns
    masked for a role that does not see customers' contacts (VIEW_CUSTOMER_CONTACTS)."""
    require(by, Perm.VIEW_ACCOUNTS, doing="export customer data")
    if not (what or "").strip() or not (why or "").strip():
        raise ServiceError("An export of customer data says what it is and why it is made.")
    columns = list(columns)
    rows = [list(row) for row in rows]
    masked = []
    if not by.has_perm(Perm.VIEW_CUSTOMER_CONTACTS):
        masked = [column for column in columns if _is_contact_column(column)]
        for index, column in enumerate(columns):
            if column in masked:
                mask = mask_email if "mail" in column.lower() else mask_phone
                for row in rows:
                    row[index] = mask(row[index])
    export_log_record(
        by=by, what=what, why=why, row_count=len(rows), columns=columns, masked_columns=masked
    )
    return rows


def export_log_record(
    *, by, what: str, why: str, row_count: int, columns, masked_columns=()
) -> DataExportLog:
    """Log an export of customer data whose rows the caller wrote (and masked) itself, e.g. a
    register's download: who, what, why, how many rows, which columns and which were masked."""
    require(by, Perm.VIEW_ACCOUNTS, doing="export customer data")
    what, why = (what or "").strip(), (why or "").strip()
    if not what or not why:
        raise ServiceError("An export of customer data says what it is and why it is made.")
    return DataExportLog.objects.create(
        by=by,
        what=what[:200],
        why=why[:REASON_MAX],
        at=timezone.now(),
        row_count=row_count,
        columns=list(columns),
        masked_columns=list(masked_columns),
    )
