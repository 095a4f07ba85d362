"""The notice's languages (Civil Code 1632's, as Health & Safety Code 116906 requires) and how
each writes a date. Money is written $1,234.56 in every language (district.money)."""

from datetime import date

ENGLISH = "en"
# Customer.language codes; "other" and anything unknown get the English notice.
NOTICE_LANGUAGES = ("en", "es", "zh", "tl", "vi", "ko")

# The <html lang> of each notice: screen readers and the PDF's /Lang read it. The Chinese
# notice is written in Traditional characters (the script California's Chinese-language
# public notices commonly use).
HTML_LANG = {"en": "en", "es": "es", "zh": "zh-Hant", "tl": "tl", "vi": "vi", "ko": "ko"}

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "tl": (
        "Enero", "Pebrero", "Marso", "Abril", "Mayo", "Hunyo",
        "Hulyo", "Agosto", "Setyembre", "Oktubre", "Nobyembre", "Disyembre",
    ),
}  # fmt: skip


def notice_language(language: str) -> str:
    """The language a notice is written in: the customer's, or English if we have none."""
    return language if language in NOTICE_LANGUAGES else ENGLISH


def format_date(day: date, language: str) -> str:
    """The date as the language writes it in a letter: December 15, 2026 / 15 de diciembre de
    2026 / 2026年12月15日 / Disyembre 15, 2026 / ngày 15 tháng 12 năm 2026 / 2026년 12월 15일."""
    language = notice_language(language)
    if language == "es":
        return f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    if language == "vi":
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    if language == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{MONTHS[language][day.month - 1]} {day.day}, {day.year}"
