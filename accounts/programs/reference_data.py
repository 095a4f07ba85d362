"""The programs a district starts with, seeded after every migrate and flush (post_migrate).

Only missing programs (by code) are added: a supervisor's edits are never overwritten, and a
program they retire stays retired. The public programs listed by Health & Safety Code 116914
give no bill benefit here: enrolment in one records that the household is income-qualified.
"""

from decimal import Decimal

from django.apps import apps

_PUBLIC_PROGRAM = {
    "kind": "low_income_assistance",
    "benefit": "none",
    "benefit_amount": Decimal("0"),
    "income_qualifying": True,
    "requires_evidence": True,
    "max_enrolment_months": 12,
}

PROGRAMS = [
    {
        "code": "calfresh",
        "name": "CalFresh",
        "description": "Food assistance (SNAP). Evidence: a current benefit letter or EBT notice.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "calworks",
        "name": "CalWORKs",
        "description": "Cash aid for families. Evidence: a current notice of action.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "medi-cal",
        "name": "Medi-Cal",
        "description": "Health coverage. Evidence: a current eligibility letter.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "ssi-ssp",
        "name": "SSI/SSP",
        "description": "Supplemental Security Income / State Supplementary Payment. "
        "Evidence: a current award letter.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "wic",
        "name": "WIC",
        "description": "Special Supplemental Nutrition Program for Women, Infants, and Children. "
        "Evidence: a current WIC card or letter.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "liheap",
        "name": "LIHEAP",
        "description": "Low Income Home Energy Assistance Program. Evidence: an award notice "
        "from this or the last program year.",
        **_PUBLIC_PROGRAM,
    },
    {
        "code": "low-income-assistance",
        "name": "Low-income assistance credit",
        "kind": "low_income_assistance",
        "description": "A monthly bill credit for households under 200% of the federal poverty "
        "level. Record household size and income; renew every year.",
        "benefit": "monthly_credit",
        "benefit_amount": Decimal("15.00"),
        "income_qualifying": True,
        "requires_evidence": True,
        "max_enrolment_months": 12,
    },
    {
        "code": "senior-discount",
        "name": "Senior discount",
        "kind": "senior_discount",
        "description": "15% off the water charges for a customer aged 62 or over who lives at "
        "the premise. Evidence: an ID showing the date of birth.",
        "benefit": "percent_discount",
        "benefit_amount": Decimal("15.00"),
        "income_qualifying": False,
        "requires_evidence": True,
        "max_enrolment_months": 24,
    },
    {
        "code": "medical-baseline",
        "name": "Medical baseline",
        "kind": "medical_baseline",
        "description": "A household member depends on water for medical equipment or care. "
        "Evidence: a physician's certification; renew every year.",
        "benefit": "none",
        "benefit_amount": Decimal("0"),
        "income_qualifying": False,
        "requires_evidence": True,
        "max_enrolment_months": 12,
    },
    {
        "code": "toilet-rebate",
        "name": "High-efficiency toilet rebate",
        "kind": "conservation_rebate",
        "description": "A one-time bill credit for replacing a toilet with a WaterSense model. "
        "Evidence: the receipt.",
        "benefit": "one_time_rebate",
        "benefit_amount": Decimal("100.00"),
        "income_qualifying": False,
        "requires_evidence": True,
        "max_enrolment_months": None,
    },
]


def ensure_programs(sender=None, **kwargs) -> None:
    state = kwargs.get("apps") or apps
    try:
        program_model = state.get_model("accounts", "Program")
    except LookupError:
        return
    existing = set(program_model.objects.values_list("code", flat=True))
    program_model.objects.bulk_create(
        program_model(**program) for program in PROGRAMS if program["code"] not in existing
    )
