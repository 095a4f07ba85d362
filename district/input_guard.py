"""Hostile characters in requests: cleaned from searches, refused with a message from forms and APIs.

PostgreSQL cannot store a NUL byte (psycopg raises, the page answers 500), other control
characters corrupt exports and print files, text-direction overrides (U+202E...) make a stored
name read differently from what it holds, lone surrogates cannot be encoded at all, and one
megabyte in a name field is an attack, not a name. So, for every request:

- query strings (searches, the counter's find box, filters) have control characters and
  direction overrides removed: `/search/?q=%00abc` searches for "abc";
- a form or JSON body holding any of them is refused with 400 and a message naming the field,
  before any view runs, so nothing is written; tab, line feed and carriage return stay allowed;
- a JSON body nested deeper than `MAX_JSON_DEPTH` is refused before it is parsed (5,000 `[`
  would otherwise end in a RecursionError), and any single value longer than
  `MAX_VALUE_CHARS` is refused. Whole bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.template.response import TemplateResponse

from district.api_errors import problem_response

# C0 controls and DEL, except tab (09), line feed (0A) and carriage return (0D).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Embedding, override and isolate controls: they reorder how text is shown, not what it says.
DIRECTION_OVERRIDES = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
MAX_VALUE_CHARS = 50_000  # ten pages of notes; a pasted rate schedule is a few thousand
MAX_JSON_DEPTH = 32

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def clean_text(value: str) -> str:
    """The value without control characters (tab and line breaks kept) or direction overrides."""
    return DIRECTION_OVERRIDES.sub("", CONTROL_CHARACTERS.sub("", value))


def text_problem(value: str) -> str | None:
    """Why a submitted value cannot be stored, or None when it can."""
    if len(value) > MAX_VALUE_CHARS:
        return f"is longer than {MAX_VALUE_CHARS:,} characters."
    if "\x00" in value or CONTROL_CHARACTERS.search(value):
        return (
            "contains a control character (such as a NUL byte) that cannot be stored. "
            "Remove it and try again."
        )
    if LONE_SURROGATES.search(value) or "\ufffd" in value:
        # A form's bytes that are not UTF-8 (an encoded lone surrogate among them) arrive
        # decoded as U+FFFD, the replacement character: what was meant is already lost.
        return (
            "contains characters that are not valid text (invalid UTF-8 or a lone "
            "surrogate). Re-type it and try again."
        )
    if DIRECTION_OVERRIDES.search(value):
        return (
            "contains a text-direction override character (such as U+202E), which makes text "
            "read differently from what it holds. Remove it and try again."
        )
    return None


def json_depth(body: bytes) -> int:
    """How deeply a JSON document's arrays and objects nest, without parsing it."""
    depth = deepest = 0
    for bracket in JSON_BRACKETS.findall(JSON_STRINGS.sub(b"", body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


def _json_strings(data, path=""):
    """(path, text) for every key and string value in parsed JSON."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _json_strings(value, child)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _json_strings(value, f"{path}[{index}]")
    elif isinstance(data, str):
        yield path or "body", data


def _label(key: str) -> str:
    if key == "body":
        return "What was sent"
    return key.replace("_", " ").strip().capitalize() or "A field"


class InputGuardMiddleware:
    """Cleans query strings and refuses hostile form and JSON bodies (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._clean_query(request)
        if refused is None and request.method in ("POST", "PUT", "PATCH"):
            try:
                if request.content_type in FORM_TYPES:
                    refused = self._form_problem(request)
                elif request.content_type and request.content_type.endswith("json"):
                    refused = self._json_problem(request)
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
                refused = "body", f"is larger than {limit:.3g} MB (files aside)."
            except (TooManyFieldsSent, TooManyFilesSent):
                refused = "body", "has more fields or files than any form of the portal."
        if refused is not None:
            field, message = refused
            return self._refuse(request, field, message)
        return self.get_response(request)

    def _clean_query(self, request):
        query = request.GET
        cleaned = QueryDict(mutable=True)
        changed = False
        for key, values in query.lists():
            clean_key = clean_text(key)
            for value in values:
                if len(value) > MAX_VALUE_CHARS:
                    return clean_key, f"is longer than {MAX_VALUE_CHARS:,} characters."
                clean_value = clean_text(value)
                changed = changed or clean_value != value or clean_key != key
                cleaned.appendlist(clean_key, clean_value)
        if changed:
            cleaned._mutable = False
            request.GET = cleaned
        return None

    def _form_problem(self, request):
        for key, values in request.POST.lists():
            for text in (key, *values):
                problem = text_problem(text)
                if problem:
                    return key, problem
        return None

    def _json_problem(self, request):
        body = request.body  # over DATA_UPLOAD_MAX_MEMORY_SIZE this raises RequestDataTooBig
        if json_depth(body) > MAX_JSON_DEPTH:
            return "body", f"is nested more than {MAX_JSON_DEPTH} levels deep."
        try:
            data = json.loads(body)
        except ValueError:
            return None  # not JSON: the view's parser answers with its own message
        for path, text in _json_strings(data):
            problem = text_problem(text)
            if problem:
                return path, problem
        return None

    def _refuse(self, request, field, message):
        wants_json = request.path.startswith("/api/") or "json" in (request.content_type or "")
        if wants_json:
            subject = "The body" if field == "body" else "This value"
            text = f"{subject} {message}"
            return problem_response(request, 400, text, errors={field: [text]})
        return TemplateResponse(
            request,
            "district/input_refused.html",
            {"field": _label(field), "message": message},
            status=400,
        ).render()
