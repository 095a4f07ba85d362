"""Enrolling, ending and renewing: the rules and the refusals (nothing written on a refusal)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounts.models import Enrolment, Program
from accounts.programs import services
from accounts.programs.reference_data import ensure_programs
from district import roles
from district.errors import NotPermitted, ServiceError
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_I)


def _program(code):
    return Program.objects.get(code=code)


def _messages(error) -> dict:
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_a_csr_i_enrols_with_evidence_for_the_programs_term(csr):
    # given
    account = ServiceAccountFactory()
    # when
    enrolment = services.enrolment_create(
        account_id=account.pk,
        program_id=_program("calfresh").pk,
        by=csr,
        starts_on=D(2026, 3, 15),
        evidence="CalFresh notice of action dated 03/01/2026",
    )
    # then: 12 months, expiring (first day not covered) a year on
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.expires_on == D(2027, 3, 15)
    assert enrolment.enrolled_by == csr
    assert enrolment.covers(D(2027, 3, 14)) and not enrolment.covers(D(2027, 3, 15))


def test_an_uploaded_evidence_file_is_enough_evidence(csr):
    account = ServiceAccountFactory()
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    enrolment = services.enrolment_create(
        account_id=account.pk, program_id=_program("wic").pk, by=csr, evidence_file=upload
    )
    assert enrolment.evidence_file.name.startswith("program_evidence/")


def test_enrolment_without_evidence_is_refused_when_the_program_asks_for_it(csr):
    account = ServiceAccountFactory()
    with pytest.raises(ServiceError) as error:
        services.enrolment_create(
            account_id=account.pk, program_id=_program("medi-cal").pk, by=csr, evidence="  "
        )
    assert _messages(error) == {
        "evidence": "Medi-Cal needs evidence: describe what you saw (or attach it)."
    }
    assert not Enrolment.objects.exists()


def test_an_expiry_past_the_programs_maximum_is_refused(csr):
    account = ServiceAccountFactory()
    with pytest.raises(ServiceError) as error:
        services.enrolment_create(
            account_id=account.pk,
            program_id=_program("senior-discount").pk,
            by=csr,
            starts_on=D(2026, 1, 1),
            expires_on=D(2028, 1, 2),
            evidence="Driver licence",
        )
    assert _messages(error) == {
        "expires_on": "Senior discount enrols for at most 24 months: expiry by 01/01/2028."
    }
    assert not Enrolment.objects.exists()


def test_household_size_and_income_come_together(csr):
    account = ServiceAccountFactory()
    with pytest.raises(ServiceError) as error:
        services.enrolment_create(
            account_id=account.pk,
            program_id=_program("low-income-assistance").pk,
            by=csr,
            evidence="Tax return",
            household_size=3,
        )
    assert _messages(error) == {
        "annual_income": "Give both the household size and the annual income, or neither."
    }


def test_an_inactive_program_takes_no_enrolments(csr):
    program = _program("liheap")
    Program.objects.filter(pk=program.pk).update(active=False)
    with pytest.raises(ServiceError) as error:
        services.enrolment_create(
            account_id=ServiceAccountFactory().pk, program_id=program.pk, by=csr, evidence="x"
        )
    assert _messages(error) == {"program": "LIHEAP is not taking enrolments."}


def test_only_one_active_enrolment_per_account_and_program(csr):
    # given
    account = ServiceAccountFactory()
    program = _program("calfresh")
    services.enrolment_create(
        account_id=account.pk, program_id=program.pk, by=csr, starts_on=D(2026, 1, 5), evidence="a"
    )
    # when a second enrolment is tried
    with pytest.raises(ServiceError) as error:
        services.enrolment_create(
            account_id=account.pk, program_id=program.pk, by=csr, evidence="b"
        )
    # then
    assert _messages(error) == {
        "program": "This account is already enrolled in CalFresh (since 01/05/2026). "
        "Renew it instead."
    }
    assert Enrolment.objects.count() == 1
    # another program is fine
    services.enrolment_create(
        account_id=account.pk, program_id=_program("wic").pk, by=csr, evidence="c"
    )
    assert Enrolment.objects.count() == 2


def test_the_database_refuses_a_second_active_enrolment_too():
    account = ServiceAccountFactory()
    program = _program("calfresh")
    Enrolment.objects.create(account=account, program=program, starts_on=D(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(account=account, program=program, starts_on=D(2026, 2, 1))


def test_ending_needs_a_reason_and_then_stops_cover(csr):
    # given
    account = ServiceAccountFactory()
    enrolment = services.enrolment_create(
        account_id=account.pk,
        program_id=_program("calfresh").pk,
        by=csr,
        starts_on=D(2026, 1, 1),
        evidence="letter",
    )
    # when no reason is given
    with pytest.raises(ServiceError) as error:
        services.enrolment_end(enrolment_id=enrolment.pk, by=csr, reason=" ")
    assert _messages(error) == {"reason": "Say why the enrolment ends."}
    enrolment.refresh_from_db()
    assert enrolment.is_active
    # when ended with a reason
    ended = services.enrolment_end(
        enrolment_id=enrolment.pk, by=csr, reason="Moved away", on=D(2026, 4, 1)
    )
    # then
    assert ended.status == Enrolment.Status.ENDED and ended.ended_by == csr
    assert ended.covers(D(2026, 3, 31)) and not ended.covers(D(2026, 4, 1))
    # and it cannot be ended twice
    with pytest.raises(ServiceError) as error:
        services.enrolment_end(enrolment_id=enrolment.pk, by=csr, reason="Again")
    assert error.value.messages == [
        f"CalFresh enrolment of {account} is ended: it cannot be ended."
    ]


def test_renewal_ends_the_enrolment_at_its_expiry_and_starts_a_new_one_there(csr, monkeypatch):
    # given an enrolment expiring 01/01/2027, renewed in December
    account = ServiceAccountFactory()
    first = services.enrolment_create(
        account_id=account.pk,
        program_id=_program("low-income-assistance").pk,
        by=csr,
        starts_on=D(2026, 1, 1),
        evidence="2025 tax return",
        household_size=3,
        annual_income=Decimal("41000.00"),
    )
    monkeypatch.setattr(services.timezone, "localdate", lambda: D(2026, 12, 10))
    # when
    renewal = services.enrolment_renew(enrolment_id=first.pk, by=csr, evidence="2026 pay stubs")
    # then
    first.refresh_from_db()
    assert first.status == Enrolment.Status.ENDED and first.end_reason == "Renewed"
    assert first.ended_on == D(2027, 1, 1)
    assert (renewal.starts_on, renewal.expires_on) == (D(2027, 1, 1), D(2028, 1, 1))
    assert renewal.renewal_of == first and renewal.is_active
    assert (renewal.household_size, renewal.annual_income) == (3, Decimal("41000.00"))


def test_a_lapsed_enrolment_renews_from_today(csr, monkeypatch):
    account = ServiceAccountFactory()
    first = services.enrolment_create(
        account_id=account.pk,
        program_id=_program("calfresh").pk,
        by=csr,
        starts_on=D(2025, 1, 1),
        evidence="letter",
    )
    monkeypatch.setattr(services.timezone, "localdate", lambda: D(2026, 3, 2))
    renewal = services.enrolment_renew(enrolment_id=first.pk, by=csr, evidence="new letter")
    assert (renewal.starts_on, renewal.expires_on) == (D(2026, 3, 2), D(2027, 3, 2))


def test_renewal_is_refused_for_an_ended_or_open_ended_enrolment(csr):
    account = ServiceAccountFactory()
    rebate = services.enrolment_create(
        account_id=account.pk, program_id=_program("toilet-rebate").pk, by=csr, evidence="receipt"
    )
    with pytest.raises(ServiceError) as error:
        services.enrolment_renew(enrolment_id=rebate.pk, by=csr, evidence="receipt")
    assert error.value.messages == [f"{rebate} does not expire: there is nothing to renew."]
    services.enrolment_end(enrolment_id=rebate.pk, by=csr, reason="Entered in error")
    with pytest.raises(ServiceError) as error:
        services.enrolment_renew(enrolment_id=rebate.pk, by=csr, evidence="receipt")
    assert error.value.messages == [f"{rebate} has ended: enrol the account again instead."]
    assert Enrolment.objects.count() == 1


def test_roles_without_account_editing_may_not_enrol(make_user):
    finance = make_user(roles.FINANCE)
    with pytest.raises(NotPermitted) as error:
        services.enrolment_create(
            account_id=ServiceAccountFactory().pk,
            program_id=_program("calfresh").pk,
            by=finance,
            evidence="letter",
        )
    assert error.value.messages == [
        "Your role does not allow you to enrol accounts in assistance programs."
    ]
    assert not Enrolment.objects.exists()


def test_only_a_supervisor_changes_programs(make_user):
    program = _program("senior-discount")
    with pytest.raises(NotPermitted):
        services.program_update(
            program_id=program.pk, by=make_user(roles.CSR_III), benefit_amount=Decimal("20")
        )
    updated = services.program_update(
        program_id=program.pk, by=make_user(roles.SUPERVISOR), benefit_amount=Decimal("20")
    )
    assert updated.benefit_amount == Decimal("20")
    with pytest.raises(ServiceError) as error:
        services.program_update(
            program_id=program.pk, by=make_user(roles.SUPERVISOR), benefit_amount=Decimal("120")
        )
    assert _messages(error) == {"benefit_amount": "A discount is at most 100%."}


def test_seeding_never_overwrites_a_supervisors_edit():
    Program.objects.filter(code="senior-discount").update(benefit_amount=Decimal("20.00"))
    Program.objects.filter(code="wic").delete()
    ensure_programs()
    assert _program("senior-discount").benefit_amount == Decimal("20.00")
    assert _program("wic").income_qualifying
