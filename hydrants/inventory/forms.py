"""Forms of the fleet: they parse what is typed; the services decide."""

from django import forms

from field_ops.forms import DATE_INPUT, model_form_base
from hydrants.inventory.services import HYDRANT_FIELDS, METER_FIELDS, MOVE_VERBS, YARD_MOVES
from hydrants.models import Hydrant, HydrantMeter


class HydrantMeterForm(
    model_form_base(
        HydrantMeter,
        METER_FIELDS,
        widgets={
            "backflow_tested_on": DATE_INPUT,
            "last_tested_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "replacement_cost": forms.TextInput(attrs={"inputmode": "decimal"}),
        },
        help_texts={
            "serial": "As printed on the register; stored in capitals.",
            "last_tested_on": "The accuracy test; a meter is lent only when tested recently.",
        },
    )
):
    """A hydrant meter's description (its status moves with the move form)."""


class HydrantForm(
    model_form_base(
        Hydrant,
        HYDRANT_FIELDS,
        widgets={
            "restrictions": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.TextInput(attrs={"inputmode": "decimal"}),
            "longitude": forms.TextInput(attrs={"inputmode": "decimal"}),
        },
    )
):
    """A hydrant's place and restrictions."""


class HydrantMeterMoveForm(forms.Form):
    to_status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(label="Why", max_length=255)
    tested_on = forms.DateField(
        label="Passed its test on",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed to put a meter back in stock.",
    )

    def __init__(self, *args, meter: HydrantMeter, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = meter.next_statuses
        self.fields["to_status"].choices = [
            (status.value, f"{status.label} ({MOVE_VERBS[status]})")
            for status in HydrantMeter.Status
            if status in YARD_MOVES and status in allowed
        ]
        # A refused move still shows its message: the choice is checked by the service.
        if self.is_bound and self.data.get("to_status") not in dict(
            self.fields["to_status"].choices
        ):
            self.fields["to_status"].choices += [
                (value, label)
                for value, label in HydrantMeter.Status.choices
                if value == self.data.get("to_status")
            ]
