from django import forms
from django.db.models import QuerySet

from units.models import Unit
from units.widgets import DateInput, UnitPicker
from workflow.lifecycle import TRANSITIONS

from .models import Campaign, CampaignStatus, Initiative, RecognitionLevel


class InitiativeForm(forms.ModelForm):
    """Every column of the registration form. Validation of the rules lives in the
    service; this form only shapes the input."""

    # Units register only into an open campaign.
    campaign = forms.ModelChoiceField(
        label="Kế hoạch năm",
        queryset=Campaign.objects.filter(status=CampaignStatus.OPEN).order_by("-year"),
        empty_label=None,
    )

    class Meta:
        model = Initiative
        fields = [
            "campaign",
            "unit",
            "name",
            "goals",
            "field_economy",
            "field_culture_society",
            "field_defence_security",
            "field_political_system",
            "subject",
            "start_date",
            "end_date",
            "target_level",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "subject": forms.RadioSelect,
            "unit": UnitPicker,
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, units: QuerySet[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["target_level"].queryset = RecognitionLevel.objects.filter(
            campaign__status=CampaignStatus.OPEN
        ).select_related("campaign")
        self.fields["target_level"].label_from_instance = lambda level: (
            f"{level.name} ({level.campaign.year})"
        )
        if self.instance.pk:
            # A case stays in the campaign it was registered for.
            del self.fields["campaign"]

    @property
    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("campaign", None)
        return data


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(name, name) for name in TRANSITIONS])
    reason = forms.CharField(
        label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)
