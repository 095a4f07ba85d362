"""The sandbox a letter template renders in: only the merge fields of its kind, the tags
{% if %} and {% comment %}, the filters date, floatformat and default, and plain letter markup.

`template_check` refuses anything else with a message naming it, so a supervisor's edit cannot
load tag libraries, include files, reverse URLs, reach into objects or put scripts and remote
images into a letter (the preview shows it on a staff page, the e-mail in a customer's inbox).
"""

import re
from html.parser import HTMLParser

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, Variable, VariableNode
from django.template.defaulttags import IfNode

from accounts.correspondence.kinds import LetterKind
from district.errors import ServiceError

ALLOWED_TAGS = ("if", "comment")
ALLOWED_BLOCK_WORDS = {"if", "elif", "else", "endif", "comment", "endcomment"}
ALLOWED_FILTERS = ("date", "floatformat", "default")
ALLOWED_ELEMENTS = {
    "p", "br", "h2", "h3", "ul", "ol", "li", "strong", "em", "b", "i", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"class", "scope"}


class _MergeEngine(Engine):
    default_builtins = []  # not Django's tags and filters: only the merge library


ENGINE = _MergeEngine(builtins=["accounts.correspondence.merge_library"], libraries={})


def _condition_expressions(condition):
    """The filter expressions inside an {% if %} condition (literals and operators' operands)."""
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
        return
    for operand in (getattr(condition, "first", None), getattr(condition, "second", None)):
        yield from _condition_expressions(operand)


def _expressions(template: Template):
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        yield node.filter_expression
    for node in template.nodelist.get_nodes_by_type(IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            yield from _condition_expressions(condition)


def _variables(expression: FilterExpression):
    """The looked-up names in an expression: its variable and its filters' variable arguments."""
    if isinstance(expression.var, Variable) and expression.var.lookups is not None:
        yield expression.var.var
    for _filter, arguments in expression.filters:
        for lookup, argument in arguments:
            if lookup:
                yield argument.var


class _MarkupCheck(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_ELEMENTS:
            self.problems.append(f"Letters may not contain <{tag}> elements.")
        for name, _value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f'Letters may not use the "{name}" attribute (on <{tag}>).')

    handle_startendtag = handle_starttag


def _fields_list(kind: LetterKind) -> str:
    return ", ".join(kind.fields)


def template_compile(source: str, kind: LetterKind, *, field: str = "body") -> Template:
    """The template compiled in the sandbox, or a ServiceError {field: what is not allowed}."""

    def refuse(message):
        raise ServiceError({field: message})

    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            words = token.split_contents()
            word = words[0] if words else ""
            if word not in ALLOWED_BLOCK_WORDS:
                refuse(
                    f"Letters may not use the {{% {word} %}} tag: only "
                    + " and ".join(f"{{% {tag} %}}" for tag in ALLOWED_TAGS)
                    + "."
                )
    try:
        template = Template(source, engine=ENGINE)
    except TemplateSyntaxError as error:
        invalid_filter = re.search(r"Invalid filter: '([^']+)'", str(error))
        if invalid_filter:
            refuse(
                f'Letters may not use the filter "{invalid_filter.group(1)}": only '
                f"{', '.join(ALLOWED_FILTERS)}."
            )
        refuse(f"The template does not read right: {error}")
    for expression in _expressions(template):
        for name in _variables(expression):
            if name not in kind.fields:
                refuse(
                    f'"{name}" is not a merge field of the "{kind.key}" letter. '
                    f"Merge fields: {_fields_list(kind)}."
                )
    return template


def merge_render(template: Template, context: dict, *, autoescape: bool = True) -> str:
    return template.render(Context(context, autoescape=autoescape))


def template_check(*, subject: str, body: str, kind: LetterKind) -> None:
    """Refuse (ServiceError by field) a subject or body using anything outside the sandbox,
    or that fails to render with the kind's sample values."""
    errors = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            template = template_compile(source, kind, field=field)
            rendered = merge_render(template, kind.sample)
        except ServiceError as error:
            errors.update(error.message_dict)
            continue
        except Exception as error:  # a filter given a wrong argument, ...: say so, save nothing
            errors[field] = f"The template does not render with sample values: {error}"
            continue
        if field == "subject" and "<" in rendered:
            errors[field] = "The subject is plain text: no markup."
            continue
        check = _MarkupCheck()
        check.feed(rendered)
        check.close()
        if check.problems:
            errors[field] = check.problems[0]
    if not subject.strip():
        errors["subject"] = "Enter the letter's subject."
    if not body.strip():
        errors["body"] = "Enter the letter's text."
    if errors:
        raise ServiceError(errors)
