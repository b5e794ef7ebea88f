"""What a dashboard or a report covers: one campaign or a range of years, a unit subtree,
as of a day; and the link to the case list that reproduces any of its numbers."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from models_registry.filters import OWN_UNIT, InitiativeFilter
from models_registry.models import Campaign, Initiative
from models_registry.selectors import initiative_list
from units.access import READER_ROLES, memberships_of, officer_units, sees_everything
from units.models import Unit

YEARS_INVALID = "Khoảng năm không hợp lệ: năm bắt đầu phải không sau năm kết thúc."
ALL_YEARS = "all"


class ScopeForm(forms.Form):
    """The dashboard's choice of period and unit (GET parameters)."""

    campaign = forms.ChoiceField(label="Kế hoạch năm", required=False)
    year_min = forms.IntegerField(label="Từ năm", required=False, min_value=1900, max_value=2999)
    year_max = forms.IntegerField(label="Đến năm", required=False, min_value=1900, max_value=2999)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, campaigns: list[Campaign], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(ALL_YEARS, "Nhiều năm (chọn khoảng năm)")] + [
            (str(c.pk), f"Năm {c.year}") for c in campaigns
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("year_min"), data.get("year_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(YEARS_INVALID)
        return data


@dataclass
class Scope:
    """A dashboard's coverage. ``params`` are the case-list filters that select exactly
    the cases it counts; every link adds to them."""

    today: datetime.date
    campaign: Campaign | None = None
    year_min: int | None = None
    year_max: int | None = None
    unit: Unit | None = None
    campaigns: list[Campaign] = field(default_factory=list)  # every campaign, newest first
    form: ScopeForm | None = None
    # Set when the figures are counted as they stood at the end of a past day (the sơ
    # kết / tổng kết as of the campaign's dates): each case's state then, from the
    # transition log (``dashboards.asof``); None: as they stand now.
    as_of: datetime.date | None = None
    _base: dict = field(default_factory=dict, repr=False)
    # The list's address, resolved once: a dashboard links hundreds of numbers to it.
    _list_url: str = field(default="", repr=False)

    @property
    def params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.campaign is not None:
            params["campaign"] = str(self.campaign.pk)
        else:
            if self.year_min is not None:
                params["year_min"] = str(self.year_min)
            if self.year_max is not None:
                params["year_max"] = str(self.year_max)
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        return params

    @property
    def period_params(self) -> dict[str, str]:
        """The period only (the years chart spans the range, or every year)."""
        return {k: v for k, v in self.params.items() if k in ("year_min", "year_max")}

    @property
    def label(self) -> str:
        if self.campaign is not None:
            return f"năm {self.campaign.year}"
        if self.year_min and self.year_max:
            return f"giai đoạn {self.year_min}–{self.year_max}"
        if self.year_min:
            return f"từ năm {self.year_min}"
        if self.year_max:
            return f"đến năm {self.year_max}"
        return "tất cả các năm"

    @property
    def years(self) -> list[int]:
        """The campaign years inside the period, oldest first."""
        return sorted(
            c.year
            for c in self.campaigns
            if (self.campaign is None or c.pk == self.campaign.pk)
            and (self.year_min is None or c.year >= self.year_min)
            and (self.year_max is None or c.year <= self.year_max)
        )

    def link(self, **extra) -> str:
        """The case list showing the cases a number counts."""
        if not self._list_url:
            self._list_url = reverse("models_registry:initiative_list")
        return case_list_url({**self.params, **extra}, base=self._list_url)

    def linker(self, **extra) -> Callable[..., str]:
        """``link`` for the numbers that share ``extra`` (a row of the units table):
        ``linker(**extra)(**more) == link(**extra, **more)``, ``more`` winning."""
        return lambda **more: self.link(**{**extra, **more})

    def cases(self, *, actor, **extra) -> QuerySet[Initiative]:
        """The cases of this scope that ``actor`` may see, narrowed by list filters
        ``extra`` — exactly what ``link(**extra)`` lists."""
        if extra:
            return filtered_cases(actor=actor, params={**self.params, **extra}, scope=self)
        # The page asks for the scope's own cases several times: filter them once.
        key = getattr(actor, "pk", None)
        if key not in self._base:
            self._base[key] = filtered_cases(actor=actor, params=self.params, scope=self)
        return self._base[key]


def case_list_url(params: dict[str, str], *, base: str = "") -> str:
    """The case list filtered by ``params`` (empty values left out); ``base``: its
    address when the caller has resolved it already."""
    url = base or reverse("models_registry:initiative_list")
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def filtered_cases(*, actor, params: dict, scope: Scope) -> QuerySet[Initiative]:
    """The case list's own filtering, without its ordering (for counting), as of the
    scope's day; the campaigns and the unit the scope has read are not read again."""
    filterset = InitiativeFilter(
        params,
        queryset=initiative_list(actor=actor),
        today=scope.today,
        user=actor,
        campaigns=scope.campaigns or None,
        known_units=[scope.unit] if scope.unit is not None else None,
    )
    if scope.as_of is not None:
        from .asof import cases_as_of

        return cases_as_of(filterset.qs.order_by(), day=scope.as_of)
    return filterset.qs.order_by()


def scope_from_request(
    *,
    actor,
    params,
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> Scope:
    """Read the period and unit from GET ``params``. With nothing chosen: the latest
    campaign, and for a unit officer of a single unit, that unit. ``as_of``: count the
    cases as they stood at the end of that day (a day before today; today or later
    counts them as they are now)."""
    today = today or timezone.localdate()
    past = as_of is not None and as_of < timezone.localdate()
    if past:
        today = as_of
    campaigns = list(Campaign.objects.order_by("-year"))
    form = ScopeForm(params or None, campaigns=campaigns)
    scope = Scope(today=today, campaigns=campaigns, form=form, as_of=as_of if past else None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    by_pk = {str(c.pk): c for c in campaigns}
    choice = data.get("campaign") or ""
    if choice in by_pk:
        scope.campaign = by_pk[choice]
    elif choice == ALL_YEARS or data.get("year_min") or data.get("year_max"):
        scope.year_min, scope.year_max = data.get("year_min"), data.get("year_max")
    elif campaigns:
        scope.campaign = campaigns[0]
    if not form.is_bound:
        form.initial = {"campaign": str(scope.campaign.pk) if scope.campaign else ALL_YEARS}
    unit_pk = data.get("unit")
    if unit_pk:
        scope.unit = _allowed_unit(actor, unit_pk)
    if scope.unit is None and not sees_everything(actor):
        mine = officer_units(actor, roles=READER_ROLES)
        if len(mine) == 1:
            scope.unit = mine[0]
    return scope


def _allowed_unit(actor, pk: int) -> Unit | None:
    """A unit the actor may narrow to: any unit for those who see everything; for an
    officer, their units and those under them (the list refuses any other)."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or sees_everything(actor):
        return unit
    mine = [m.unit for m in memberships_of(actor) if m.role in READER_ROLES]
    if not mine:
        return unit
    return unit if any(unit.path.startswith(u.path) for u in mine) else None


__all__ = [
    "OWN_UNIT",
    "Scope",
    "case_list_url",
    "filtered_cases",
    "scope_from_request",
]
