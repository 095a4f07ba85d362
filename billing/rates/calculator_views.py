"""Staff pages of rates: schedules and versions, loading a file, comparing two versions, the
rate-change impact report, and the bill calculator. Thin: parse the form, call one service or
selector, render."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import ServiceAccount
from billing.models import RateScheduleVersion
from billing.rates import selectors as rate_selectors
from billing.rates.impact import rate_impact
from billing.rates.services import rate_version_load, rate_versions_compare, version_label
from billing.rates.tables import schedule_tables
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm
from district.uploads import size_help, text_upload
from field_ops.models import Meter

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECIMAL_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
MAX_FILE_BYTES = 200 * 1024
UNIT_CHOICES = [
    ("", "The schedule's unit"),
    ("hcf", "HCF (hundred cubic feet)"),
    ("cf", "Cubic feet"),
    ("gal", "Gallons"),
    ("kgal", "Thousand gallons"),
]
DEFAULT_SAMPLES = "0, 5, 10, 15, 20, 30, 50"


def _read_yaml(upload) -> str:
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError("That file is too large for a rate schedule (200 KB at most).")
    text_upload(upload, max_bytes=MAX_FILE_BYTES, kinds="a rate schedule (.yaml)")
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("The file is not text (UTF-8): save the schedule as .yaml.") from None


def _version_choices(blank: str) -> list:
    return [("", blank), *rate_selectors.rate_version_choices()]


class RateLoadForm(forms.Form):
    file = forms.FileField(
        label="Schedule file (.yaml)",
        help_text="See docs/rates.md for the format. " + size_help(MAX_FILE_BYTES, "UTF-8 text"),
    )
    notes = forms.CharField(
        label="Why it is loaded",
        required=False,
        max_length=255,
        help_text="e.g. Resolution 2025-14",
    )

    def clean_file(self):
        return _read_yaml(self.cleaned_data["file"])


class BillInputsForm(forms.Form):
    """The inputs of one bill (the API checks the same fields in billing/api.py). Quantities are
    passed on as typed: the rate engine says what a consumption or a winter average may be."""

    customer_class = forms.ChoiceField(choices=ServiceAccount.CustomerClass.choices)
    meter_size = forms.ChoiceField(choices=Meter.Size.choices)
    consumption = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "aria-required": "true"}
        ),
    )
    consumption_unit = forms.ChoiceField(
        label="Unit of the consumption", choices=UNIT_CHOICES, required=False
    )
    period_start = forms.DateField(label="First day of service", widget=DATE_INPUT)
    period_end = forms.DateField(label="Last day of service", widget=DATE_INPUT)
    dwelling_units = forms.IntegerField(initial=1)
    zone = forms.CharField(
        required=False, max_length=40, help_text="Only for schedules priced by zone"
    )
    winter_average = forms.CharField(
        required=False,
        max_length=20,
        widget=DECIMAL_INPUT,
        help_text="For sewer caps and tiers set by the winter average",
    )

    def bill_inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "customer_class": data["customer_class"],
            "meter_size": data["meter_size"],
            "consumption": data["consumption"],
            "consumption_unit": data["consumption_unit"] or None,
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "dwelling_units": data["dwelling_units"],
            "zone": data["zone"] or None,
            "winter_average": data["winter_average"] or None,
        }


class CalculatorForm(BillInputsForm):
    rates = forms.ChoiceField(label="Rates", required=False)
    rates_file = forms.FileField(
        label="…or a schedule file (.yaml)",
        required=False,
        help_text=size_help(MAX_FILE_BYTES, "UTF-8 text"),
    )
    field_order = ["rates", "rates_file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schedules = [
            (
                f"schedule:{schedule.code}",
                f"{schedule.name}: the versions in force on the bill's dates",
            )
            for schedule in rate_selectors.rate_schedules()
        ]
        versions = [
            (group, [(f"version:{pk}", label) for pk, label in items])
            for group, items in rate_selectors.rate_version_choices()
        ]
        self.fields["rates"].choices = [
            ("", "Choose stored rates"),
            ("By schedule", schedules),
            *versions,
        ]

    def clean_rates_file(self):
        upload = self.cleaned_data.get("rates_file")
        return _read_yaml(upload) if upload else None

    def clean(self):
        data = super().clean()
        if bool(data.get("rates")) == bool(data.get("rates_file")):
            self.add_error("rates", "Choose stored rates or upload a schedule file (one of them).")
        return data

    def rates_source(self) -> dict:
        if self.cleaned_data.get("rates_file"):
            return {"rates_text": self.cleaned_data["rates_file"]}
        kind, _, value = self.cleaned_data["rates"].partition(":")
        return {"schedule": value} if kind == "schedule" else {"version_id": int(value)}


class CompareForm(forms.Form):
    left = forms.TypedChoiceField(label="Version", coerce=int)
    right = forms.TypedChoiceField(label="Compared with", coerce=int)
    customer_class = forms.ChoiceField(choices=ServiceAccount.CustomerClass.choices)
    meter_size = forms.ChoiceField(choices=Meter.Size.choices)
    consumptions = forms.CharField(
        label="Sample consumptions",
        initial=DEFAULT_SAMPLES,
        help_text="In the schedule's unit, separated by commas",
    )
    dwelling_units = forms.IntegerField(min_value=1, initial=1)
    zone = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left"].choices = _version_choices("Choose a version")
        self.fields["right"].choices = _version_choices("Choose a version")

    def clean_consumptions(self):
        try:
            values = [
                Decimal(part)
                for part in self.cleaned_data["consumptions"].replace(" ", "").split(",")
                if part
            ]
        except InvalidOperation:
            raise ValidationError("Numbers separated by commas, e.g. 0, 5, 10.") from None
        if (
            not values
            or len(values) > 20
            or any(value < 0 or not value.is_finite() for value in values)
        ):
            raise ValidationError("One to twenty numbers, none negative.")
        return [value.quantize(Decimal("0.01")) for value in values]


class ImpactForm(forms.Form):
    proposed = forms.TypedChoiceField(label="Proposed version", coerce=int)
    current = forms.TypedChoiceField(
        label="Compared with",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Blank: the version of the same schedule in force today",
    )
    per_class = forms.IntegerField(
        label="Accounts sampled per class",
        min_value=10,
        max_value=2000,
        initial=100,
        help_text="Every class is sampled; more accounts take longer (about 2 queries each)",
    )
    zone = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed"].choices = _version_choices("Choose a version")
        self.fields["current"].choices = _version_choices("The version in force today")


# -- pages


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def rate_list(request):
    return render(
        request,
        "billing/rates/list.html",
        {
            "schedules": rate_selectors.rate_schedules(),
            "can_load": request.user.has_perm(Perm.RUN_BILLING),
        },
    )


@staff_view(Perm.RUN_BILLING)
@require_http_methods(["GET", "POST"])
def rate_load(request):
    form = RateLoadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version, created = rate_version_load(
                source=form.cleaned_data["file"], by=request.user, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            # The file's problems (and the loader's refusals) are shown at the file input.
            add_service_error(form, ValidationError({"file": error.messages}))
        else:
            if created:
                messages.success(request, f"Loaded {version_label(version)}.")
            else:
                messages.info(request, f"This file was already loaded as {version_label(version)}.")
            return redirect("billing:rate_version", version_id=version.pk)
    return render(request, "billing/rates/load.html", {"form": form})


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def rate_version(request, version_id):
    try:
        version = rate_selectors.rate_version_get(version_id)
    except RateScheduleVersion.DoesNotExist:
        raise Http404("No such rate version.") from None
    return render(
        request,
        "billing/rates/version.html",
        {
            "version": version,
            "label": version_label(version),
            "tables": schedule_tables(version.parsed),
        },
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def rate_compare(request):
    form = CompareForm(request.GET or None)
    comparison = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        comparison = rate_versions_compare(
            left=rate_selectors.rate_version_get(data["left"]),
            right=rate_selectors.rate_version_get(data["right"]),
            customer_class=data["customer_class"],
            meter_size=data["meter_size"],
            consumptions=data["consumptions"],
            dwelling_units=data["dwelling_units"],
            zone=data["zone"] or None,
        )
    return render(request, "billing/rates/compare.html", {"form": form, "comparison": comparison})


@staff_view(Perm.VIEW_REPORTS)
@require_http_methods(["GET"])
def rate_impact_report(request):
    form = ImpactForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        proposed = rate_selectors.rate_version_get(data["proposed"])
        today = timezone.localdate()
        if data["current"]:
            current = rate_selectors.rate_version_get(data["current"])
        else:
            current = rate_selectors.version_in_force(schedule=proposed.schedule, on=today)
        if current is None:
            form.add_error("current", "No version of this schedule is in force today: choose one.")
        else:
            sample = rate_selectors.impact_accounts(per_class=data["per_class"], as_of=today)
            context.update(
                current=current,
                proposed=proposed,
                current_label=version_label(current),
                proposed_label=version_label(proposed),
                sample=sample,
                rows=rate_impact(
                    current=current.parsed,
                    proposed=proposed.parsed,
                    accounts=sample.accounts,
                    population=sample.population,
                    class_labels=dict(ServiceAccount.CustomerClass.choices),
                    zone=data["zone"] or None,
                    labels=(version_label(current), version_label(proposed)),
                ),
            )
    return render(request, "billing/rates/impact.html", context)


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def calculator(request):
    initial = {"dwelling_units": 1, "period_start": timezone.localdate().replace(day=1)}
    if request.GET.get("version", "").isdigit():
        initial["rates"] = f"version:{request.GET['version']}"
    form = CalculatorForm(request.POST or None, request.FILES or None, initial=initial)
    calculation = None
    if request.method == "POST" and form.is_valid():
        try:
            calculation = rate_selectors.bill_calculation(
                **form.rates_source(), **form.bill_inputs()
            )
        except ValidationError as error:
            add_service_error(form, error)
    return render(
        request,
        "billing/calculator/calculator.html",
        {"form": form, "calculation": calculation},
    )
