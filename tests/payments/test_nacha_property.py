"""Every file the writer produces passes the checker and reads back to the same bytes."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.autopay.aba import aba_check_digit
from payments.autopay.fed_calendar import effective_entry_date
from payments.autopay.nacha import AchAddenda, AchEntry
from payments.autopay.nacha_check import nacha_check
from payments.autopay.nacha_read import nacha_read
from payments.autopay.nacha_write import nacha_write
from tests.payments.nacha_samples import draft_batch, draft_file

_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.", min_size=1, max_size=22).filter(
    lambda text: text.strip() and text == text.rstrip() and not text.startswith(" ")
)
_ROUTING = st.integers(min_value=0, max_value=99_999_999).map(
    lambda eight: f"{eight:08d}" + str(aba_check_digit(f"{eight:08d}"))
)


@st.composite
def _entry(draw, debits: bool):
    prenote = draw(st.booleans()) and draw(st.booleans())
    savings = draw(st.booleans())
    code = (37 if savings else 27) if debits else (32 if savings else 22)
    if prenote:
        code += 1
    return AchEntry(
        transaction_code=code,
        rdfi_routing=draw(_ROUTING),
        account_number=draw(_TEXT.filter(lambda text: len(text) <= 17)),
        amount_cents=0 if prenote else draw(st.integers(min_value=1, max_value=99_999_999)),
        individual_name=draw(_TEXT),
        individual_id=draw(st.sampled_from(["", "9000001", "1234567890"])),
        discretionary_data=draw(st.sampled_from(["R", "S", "ST"])),
        addenda=draw(
            st.lists(st.builds(AchAddenda, payment_related_information=_TEXT), max_size=1)
        ),
    )


@st.composite
def _batch(draw):
    debits = draw(st.booleans())
    requested = draw(
        st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2027, 12, 20))
    )
    return draft_batch(
        draw(st.lists(_entry(debits), min_size=1, max_size=25)),
        sec_code=draw(st.sampled_from(["PPD", "WEB"])),
        service_class_code=draw(st.sampled_from([200, 225 if debits else 220])),
        effective_entry_date=effective_entry_date(requested),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_batch(), min_size=1, max_size=4))
def test_written_files_pass_the_checker_and_read_back(batches):
    data = nacha_write(draft_file(batches), check=False)  # the checker judges it here
    assert nacha_check(data) == []
    assert nacha_write(nacha_read(data)) == data
    lines = data.decode().splitlines()
    assert len(lines) % 10 == 0
    assert sum(
        int(line[31:43]) + int(line[43:55]) for line in lines if line[0] == "9" and line != "9" * 94
    ) == sum(e.amount_cents for b in batches for e in b.entries)
