"""An autopay draft file the NACHA tests build and then break, one control at a time."""

import datetime

from payments.autopay.nacha import AchAddenda, AchBatch, AchEntry, AchFile

DRAFT_DAY = datetime.date(2026, 12, 7)  # a Monday, a banking day
ODFI = "12100035"  # the district's bank: routing 121000358


def draft_entry(amount_cents=4_213, *, routing="231380104", name="Dana Ruiz", **fields):
    return AchEntry(
        transaction_code=fields.pop("transaction_code", 27),
        rdfi_routing=routing,
        account_number=fields.pop("account_number", "000123456789"),
        amount_cents=amount_cents,
        individual_name=name,
        individual_id=fields.pop("individual_id", "9000001"),
        **fields,
    )


def draft_batch(entries, *, sec_code="PPD", service_class_code=225, **fields):
    return AchBatch(
        service_class_code=service_class_code,
        company_name="SIERRA VISTA WD",
        company_id="1946000123",
        sec_code=sec_code,
        entry_description="WATER BILL",
        effective_entry_date=fields.pop("effective_entry_date", DRAFT_DAY),
        odfi_routing=ODFI,
        entries=entries,
        **fields,
    )


def draft_file(batches) -> AchFile:
    return AchFile(
        immediate_destination="121000358",
        immediate_origin="1946000123",
        creation_date=datetime.date(2026, 12, 4),
        creation_time="1530",
        immediate_destination_name="DISTRICT BANK",
        immediate_origin_name="SIERRA VISTA WATER DIST",
        batches=batches,
    )


def two_batch_file() -> AchFile:
    """Lines: 1 header; 2 batch header; 3, 4 entries; 5 batch control; 6 batch header (WEB);
    7 entry; 8 its addenda; 9 batch control; 10 file control: one whole block, no nines."""
    return draft_file(
        [
            draft_batch([draft_entry(4_213), draft_entry(10_050, routing="081000210", name="Li")]),
            draft_batch(
                [
                    draft_entry(
                        7_500,
                        name="Ana Soto",
                        discretionary_data="S",
                        addenda=[AchAddenda(payment_related_information="WATER 9000-0019")],
                    )
                ],
                sec_code="WEB",
            ),
        ]
    )
