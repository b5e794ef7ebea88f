"""The dashboards' tally: counts of cases per unit subtree, campaign and dimension,
kept by database triggers (models_registry/migrations/0005) and ``dashboards.tally``."""

from django.db import models

from models_registry.models import FIELD_FLAGS, Campaign
from units.models import Unit

# The dimensions a dashboard counts by (dashboards/tally.py keeps the counts).
TALLY_DIMENSIONS = ("state", "subject", "target_level", "recognized_level", *FIELD_FLAGS)


class TallyDimensions(models.Model):
    """One combination of the dimensions, and a number of cases. A level is its id, 0
    for "none": no foreign key and no NULL in the key (plain equality, a plain unique
    index, on every database)."""

    state = models.CharField(max_length=20)
    subject = models.CharField(max_length=20)
    target_level = models.BigIntegerField(default=0)
    recognized_level = models.BigIntegerField(default=0)
    field_economy = models.BooleanField(default=False)
    field_culture_society = models.BooleanField(default=False)
    field_defence_security = models.BooleanField(default=False)
    field_political_system = models.BooleanField(default=False)
    cases = models.IntegerField()

    class Meta:
        abstract = True


class CaseTally(TallyDimensions):
    """How many cases of a campaign in a unit's subtree (the unit and everything under
    it) have one combination of the dimensions: what the country-wide dashboard reads
    instead of counting 100,000 cases per request (issue 7). PostgreSQL only, kept by
    ``dashboards.tally`` (never written through the ORM); a row that reaches 0
    cases is deleted.

    The relations are for reading (joins) only, without a database constraint: a
    campaign's rows fall to 0 and go as its cases are deleted, and neither a campaign's
    nor a unit's deletion has to wait for the counts."""

    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        db_table = "models_registry_casetally"  # moved from models_registry: same table
        verbose_name = "Số liệu tổng hợp"
        verbose_name_plural = "Số liệu tổng hợp"
        constraints = [
            # Its index answers every read: a unit (or a few), then the campaigns.
            models.UniqueConstraint(
                fields=["unit", "campaign", *TALLY_DIMENSIONS], name="case_tally_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cases} ({self.campaign_id}, {self.unit_id}, {self.state})"


class CaseTallyDelta(TallyDimensions):
    """A change of the counts (``cases`` signed), appended by a trigger on the cases'
    table inside the writing transaction, keyed by the case's own unit. Writers only
    insert, and ``tally_fold`` deletes what it folds: a case write locks no shared row."""

    unit_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()

    class Meta:
        db_table = "models_registry_casetallydelta"  # moved from models_registry: same table
        verbose_name = "Thay đổi số liệu tổng hợp"
        verbose_name_plural = "Thay đổi số liệu tổng hợp"

    def __str__(self) -> str:
        return f"{self.cases:+d} ({self.campaign_id}, {self.unit_id}, {self.state})"
