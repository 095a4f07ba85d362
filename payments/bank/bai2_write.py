"""Writing BAI2 files (payments.bank.bai2.write): counts and control totals worked out from
the structure, long records continued in 88s.

Reads the structure's attributes only (the dataclasses of payments.bank.bai2).
"""

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.bank.bai2 import Bai2File


def _funds_fields(funds: dict) -> list[str]:
    kind = (funds or {}).get("type", "")
    if kind in ("", "Z") and not funds:
        return [""]
    fields = [kind]
    if kind == "V":
        value_date = funds.get("value_date") or ""
        if value_date:
            value_date = datetime.date.fromisoformat(value_date).strftime("%y%m%d")
        fields += [value_date, funds.get("value_time") or ""]
    elif kind == "S":
        names = ("immediate", "one_day", "two_or_more_days")
        fields += [_amount_text(funds.get(name)) for name in names]
    elif kind == "D":
        distribution = funds.get("distribution") or []
        fields.append(str(len(distribution)))
        for days, amount in distribution:
            fields += [str(days), _amount_text(amount)]
    return fields


def _amount_text(amount: int | None) -> str:
    return "" if amount is None else str(amount)


def _split(code: str, body: str, *, limit: int | None, text_start: int | None) -> list[str]:
    """One logical record as physical records of at most `limit` characters (88s after the
    first). Non-text fields split at field boundaries (the part ends with "/"), text splits
    inside itself (the part ends without one, never on a space or slash)."""
    first = f"{code},{body}"
    if limit is None or len(first) <= limit:
        return [first]
    records: list[str] = []
    prefix = f"{code},"
    rest = body
    consumed = 0
    while rest:
        room = limit - len(prefix)
        if len(rest) <= room:
            records.append(prefix + rest)
            break
        in_text = text_start is not None and consumed + room > text_start
        if in_text and consumed >= text_start:
            # Text continues at a space, which the reader puts back between the parts.
            cut = next(
                (
                    index
                    for index in range(room, 0, -1)
                    if rest[index] == " " and rest[index - 1] not in " /"
                ),
                0,
            )
            if cut <= 0:
                raise ValueError(f"A word of the text is too long for {limit}-character records.")
            records.append(prefix + rest[:cut])
            cut += 1
        else:
            # Cut after a comma that fits (keeping room for the "/"), ending the part with "/".
            window = rest[:room]  # the comma becomes the "/"
            if in_text:
                window = rest[: min(room, text_start - consumed)]
            cut = window.rfind(",")
            if cut <= 0:
                raise ValueError(f"A field is too long for records of {limit} characters.")
            records.append(prefix + rest[:cut] + "/")
            cut += 1
        consumed += cut
        rest = rest[cut:]
        prefix = "88,"
    return records


def write(bai_file: "Bai2File", *, record_length: int | None = None, pad: bool = False) -> str:
    """The file as text: counts and control totals worked out from the structure (the ones on
    it are ignored). With `record_length`, longer records continue in 88s; with `pad`, every
    record is padded with spaces to that length."""

    def physical(code: str, fields: list[str], *, text: str | None = None) -> list[str]:
        body = ",".join(fields)
        text_start = None
        if text is not None:
            body += "," if fields else ""
            text_start = len(body)
            body += text
        return _split(code, body + "/", limit=record_length, text_start=text_start)

    group_lines: list[str] = []
    file_total = 0
    for group in bai_file.groups:
        lines = physical(
            "02",
            [
                group.receiver,
                group.originator,
                group.status or "1",
                group.as_of_date.strftime("%y%m%d"),
                group.as_of_time,
                group.currency,
                group.as_of_date_modifier,
            ],
        )
        group_total = 0
        for account in group.accounts:
            summary_fields = []
            for summary in account.summaries:
                summary_fields += [
                    summary.type_code,
                    _amount_text(summary.amount),
                    "" if summary.item_count is None else str(summary.item_count),
                    *_funds_fields(summary.funds),
                ]
            account_lines = physical("03", [account.number, account.currency, *summary_fields])
            total = sum(s.amount or 0 for s in account.summaries)
            for detail in account.details:
                fields = [
                    detail.type_code,
                    _amount_text(detail.amount),
                    *_funds_fields(detail.funds),
                    detail.bank_reference,
                    detail.customer_reference,
                ]
                account_lines += physical("16", fields, text=detail.text.rstrip())
                total += detail.amount or 0
            account_lines += physical("49", [str(total), str(len(account_lines) + 1)])
            lines += account_lines
            group_total += total
        lines += physical("98", [str(group_total), str(len(group.accounts)), str(len(lines) + 1)])
        group_lines += lines
        file_total += group_total
    header = physical(
        "01",
        [
            bai_file.sender,
            bai_file.receiver,
            bai_file.created_on.strftime("%y%m%d"),
            bai_file.created_time,
            bai_file.file_id,
            "" if record_length is None else str(record_length),
            "" if bai_file.block_size is None else str(bai_file.block_size),
            "2",
        ],
    )
    count = len(header) + len(group_lines) + 1
    trailer = physical("99", [str(file_total), str(len(bai_file.groups)), str(count)])
    records = header + group_lines + trailer
    if pad and record_length:
        records = [record.ljust(record_length) for record in records]
    return "\n".join(records) + "\n"
