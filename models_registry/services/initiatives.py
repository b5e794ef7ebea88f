"""Writes to registered models that are not state changes (those go through
``workflow.services.transition_apply``)."""

import copy
import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django_fsm import ConcurrentTransition

from audit import services as audit
from units.access import is_secretariat, units_for_officer
from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State

from ..models import Campaign, DeadlineExtension, Initiative

NOT_YOUR_UNIT = "Bạn chỉ được đăng ký mô hình cho đơn vị mình và các đơn vị trực thuộc."
CHANGED_MEANWHILE = (
    "Hồ sơ vừa được chuyển trạng thái trong lúc bạn sửa; thay đổi chưa được lưu. "
    "Vui lòng tải lại trang."
)
ONLY_DRAFTS = "Chỉ sửa được hồ sơ đang ở trạng thái “Bản nháp”."
NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được sửa hồ sơ này."
DUPLICATE = "Đơn vị “{unit}” đã có mô hình “{name}” trong kế hoạch năm {year}."
END_BEFORE_START = "Thời gian kết thúc phải sau thời gian bắt đầu."
LEVEL_OF_OTHER_CAMPAIGN = "Cấp đăng ký không thuộc kế hoạch năm {year}."
ONLY_SECRETARIAT = "Chỉ Ban Dân vận được gia hạn đăng ký."
REASON_REQUIRED = "Vui lòng ghi rõ lý do gia hạn."
EXTENSION_CAMPAIGN_CLOSED = "Kế hoạch năm {year} đã đóng: không gia hạn được nữa."
EXTENSION_NOT_AFTER_DEADLINE = "Ngày được nộp đến phải sau hạn đăng ký ({deadline})."
EXTENSION_ALREADY_REVOKED = "Gia hạn này đã được thu hồi trước đó."
DISCARD_NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được xoá bản nháp này."
DISCARD_NOT_DRAFT = "Chỉ xoá được bản nháp; hồ sơ đang ở trạng thái “{state}”."
DISCARD_WAS_SUBMITTED = (
    "Hồ sơ đã từng được gửi đăng ký nên không xoá được; "
    "hãy sửa và gửi lại, hoặc rút đăng ký sau khi gửi."
)

EDITABLE_FIELDS = (
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
)


def _validate(initiative: Initiative) -> None:
    errors = []
    if (
        initiative.start_date
        and initiative.end_date
        and initiative.end_date < initiative.start_date
    ):
        errors.append(END_BEFORE_START)
    if initiative.target_level and initiative.target_level.campaign_id != initiative.campaign_id:
        errors.append(LEVEL_OF_OTHER_CAMPAIGN.format(year=initiative.campaign.year))
    if errors:
        raise WorkflowError(*errors)


def _save_unique(initiative: Initiative) -> None:
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError as exc:
        raise WorkflowError(
            DUPLICATE.format(
                unit=initiative.unit.name, name=initiative.name, year=initiative.campaign.year
            )
        ) from exc


def _records_for_units(actor) -> bool:
    # The Ban Dân vận records the drafts units send on paper (the biểu mẫu import,
    # `import_registrations`); submitting stays with the unit's own officers.
    return is_secretariat(actor)


def _may_register_for(actor, unit: Unit) -> bool:
    if _records_for_units(actor):
        return True
    return units_for_officer(actor).filter(pk=unit.pk).exists()


def initiative_create(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    continues_from: Initiative | None = None,
    based_on: Initiative | None = None,
    **data: Any,
) -> Initiative:
    """A new draft for ``unit``, which must lie within the actor's units (the Ban Dân
    vận, recording what units sent on paper, may act for any unit). ``continues_from``
    links a carried-over model, ``based_on`` the model it replicates.

    Guarantees: one case per campaign, unit and name (diacritics and case ignored);
    end date not before start date; the target level belongs to the campaign."""
    if not _may_register_for(actor, unit):
        raise WorkflowError(NOT_YOUR_UNIT)
    if closed := campaign.closed_errors():
        raise WorkflowError(*closed)
    initiative = Initiative(
        campaign=campaign,
        unit=unit,
        created_by=actor,
        continues_from=continues_from,
        based_on=based_on,
    )
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"initiative_create() got an unexpected field {name!r}")
        setattr(initiative, name, value)
    _validate(initiative)
    _save_unique(initiative)
    return initiative


def initiative_update(*, actor, initiative: Initiative, **data: Any) -> Initiative:
    """Edit a draft. Only the officers of its unit (or the Ban Dân vận, recording a
    unit's corrected form), only while it is a draft."""
    if Role.UNIT_OFFICER not in initiative.roles_of(actor) and not _records_for_units(actor):
        raise WorkflowError(NOT_OFFICER)
    if initiative.state != State.DRAFT:
        raise WorkflowError(ONLY_DRAFTS)
    if closed := initiative.campaign.closed_errors():
        raise WorkflowError(*closed)
    if "unit" in data and not _may_register_for(actor, data["unit"]):
        raise WorkflowError(NOT_YOUR_UNIT)
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"initiative_update() got an unexpected field {name!r}")
        setattr(initiative, name, value)
    _validate(initiative)
    # Saves only the editable columns, never the protected state.
    try:
        with transaction.atomic():
            initiative.save(update_fields=[*data, "name_key", "search_text", "updated_at"])
    except IntegrityError as exc:
        raise WorkflowError(
            DUPLICATE.format(
                unit=initiative.unit.name, name=initiative.name, year=initiative.campaign.year
            )
        ) from exc
    except ConcurrentTransition as exc:  # submitted or withdrawn while being edited
        raise WorkflowError(CHANGED_MEANWHILE) from exc
    return initiative


# Rows per multi-row INSERT / UPDATE of the bulk writes below.
BULK_BATCH = 1000


class RowsRefused(WorkflowError):
    """Some of many cases could not be written; nothing was. ``refused`` maps the index
    of each refused item (in the order given) to its messages."""

    def __init__(self, refused: dict[int, list[str]]) -> None:
        super().__init__(*(m for messages in refused.values() for m in messages))
        self.refused = refused


def _allowed_units(actor) -> set[int] | None:
    """The units ``actor`` may register for; None: any (the Ban Dân vận)."""
    if _records_for_units(actor):
        return None
    return set(units_for_officer(actor).values_list("pk", flat=True))


def _fill(initiative: Initiative, data: dict[str, Any], *, caller: str) -> None:
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"{caller}() got an unexpected field {name!r}")
        setattr(initiative, name, value)


def _check_many(cases: list[Initiative], allowed: set[int] | None) -> None:
    refused: dict[int, list[str]] = {}
    for index, initiative in enumerate(cases):
        messages = []
        if allowed is not None and initiative.unit_id not in allowed:
            messages.append(NOT_YOUR_UNIT)
        try:
            _validate(initiative)
        except WorkflowError as error:
            messages += error.messages
        if messages:
            refused[index] = messages
    if refused:
        raise RowsRefused(refused)


def _duplicates(cases: list[Initiative]) -> RowsRefused:
    """After a unique violation: which of ``cases`` now collide with a stored case."""
    keys = {(c.campaign_id, c.unit_id, c.name_key): i for i, c in enumerate(cases)}
    taken = Initiative.objects.filter(
        campaign_id__in={c.campaign_id for c in cases},
        unit_id__in={c.unit_id for c in cases},
        name_key__in={c.name_key for c in cases},
    ).exclude(pk__in=[c.pk for c in cases if c.pk])
    refused = {}
    for campaign_id, unit_id, name_key in taken.values_list("campaign_id", "unit_id", "name_key"):
        index = keys.get((campaign_id, unit_id, name_key))
        if index is not None:
            case = cases[index]
            refused[index] = [
                DUPLICATE.format(unit=case.unit.name, name=case.name, year=case.campaign.year)
            ]
    return RowsRefused(refused or {0: [CHANGED_MEANWHILE]})


def initiatives_create(
    *, actor, campaign: Campaign, rows: Iterable[tuple[Unit, dict[str, Any]]]
) -> list[Initiative]:
    """Many new drafts at once (a form's new rows): ``initiative_create``'s guarantees
    for each — the unit within the actor's units, end not before start, the level of the
    campaign, one case per campaign, unit and name — but written with one COPY on
    PostgreSQL (on SQLite one prepared INSERT run for each) and no
    savepoint per row; ``rows`` is read once (a generator keeps a large form's row
    dicts from all living at once). All or none: refusals
    raise ``RowsRefused`` with every refused row's index and messages; a name taken
    meanwhile (a unique violation) writes nothing and names the rows it hit. The
    database's own bookkeeping (the tally's triggers) sees ordinary INSERTs."""
    if closed := campaign.closed_errors():
        raise WorkflowError(*closed)
    allowed = _allowed_units(actor)
    cases = []
    checked: set[frozenset] = set()
    now = timezone.now()
    # Each case is a copy of one built with what the rows share (Model.__getstate__
    # copies its _state and relation cache), then given its row's values: a quarter of
    # the cost of Model.__init__ for every row.
    blank = Initiative(campaign=campaign, created_by=actor, created_at=now, updated_at=now)
    for unit, data in rows:
        keys = frozenset(data)
        if keys not in checked:  # every row of a form names the same fields
            if unknown := keys - set(EDITABLE_FIELDS):
                raise TypeError(f"initiatives_create() got an unexpected field {min(unknown)!r}")
            checked.add(keys)
        initiative = copy.copy(blank)
        initiative.unit = unit
        for name, value in data.items():
            setattr(initiative, name, value)
        initiative.fill_keys()
        cases.append(initiative)
    _check_many(cases, allowed)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_insert(cases)
            else:
                _executemany_insert(cases)
    except IntegrityError:
        raise _duplicates(cases) from None
    return cases


def _copy_insert(cases: list[Initiative]) -> None:
    """Insert new ``cases`` with PostgreSQL's COPY: their ids drawn from the table's
    sequence in one query, then every row streamed in one statement — no SQL to build
    per row, the fastest way PostgreSQL takes rows (bulk_create's multi-row INSERT spends
    more in Python than the database spends storing them). COPY fires the same INSERT
    triggers (the tally's statement trigger sees its transition table). The cases'
    values are already what the database stores (text, booleans, dates, aware
    datetimes, ids); ``created_at``/``updated_at`` are set by the caller."""
    if not cases:
        return
    meta = Initiative._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    attnames = [f.attname for f in columns]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [meta.db_table, len(cases)],
        )
        for case, (pk,) in zip(cases, cursor.fetchall(), strict=True):
            case.pk = pk
        table = connection.ops.quote_name(meta.db_table)
        with cursor.cursor.copy(f"COPY {table} (id, {names}) FROM STDIN") as copy:
            for case in cases:
                values = case.__dict__
                copy.write_row([case.pk, *[values[a] for a in attnames]])
    for case in cases:
        case._state.adding = False
        case._state.db = connection.alias


# What SQLite's driver stores as Django would, without the field's preparation.
STORED_AS_IS = frozenset({"CharField", "TextField", "BooleanField", "ForeignKey"})


def _executemany_insert(cases: list[Initiative]) -> None:
    """Insert new ``cases`` on SQLite (the embedded default) with one prepared INSERT
    run for every case (the driver's ``executemany``): SQLite has no COPY, and
    ``bulk_create`` would build the SQL of a 37-row INSERT 136 times for 5,000 cases
    (SQLite takes at most 999 parameters) and pass each of 135,000 values through its
    field — three times what storing them costs. Values are stored as Django stores
    them: dates and datetimes through the backend's adapters (aware datetimes as naive
    UTC; None stays NULL), everything else as it is (text, booleans, ids). The first
    INSERT takes SQLite's write lock until the transaction ends, so the rows get
    consecutive ids ending at ``last_insert_rowid()``."""
    if not cases:
        return
    meta = Initiative._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    # Memoised: a form's cases share their stamps and most of their dates.
    adapters = {
        "DateField": functools.cache(connection.ops.adapt_datefield_value),
        "DateTimeField": functools.cache(connection.ops.adapt_datetimefield_value),
    }
    kinds = [f.get_internal_type() for f in columns]
    if unknown := set(kinds) - set(adapters) - STORED_AS_IS:
        raise TypeError(f"_executemany_insert() does not know how to store {min(unknown)}")
    plan = [(f.attname, adapters.get(kind)) for f, kind in zip(columns, kinds, strict=True)]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"

    def values(case: Initiative) -> list:
        row = case.__dict__
        return [row[a] if adapt is None else adapt(row[a]) for a, adapt in plan]

    with connection.cursor() as cursor:
        cursor.executemany(sql, map(values, cases))
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
    for pk, case in zip(range(last - len(cases) + 1, last + 1), cases, strict=True):
        case.pk = pk
        case._state.adding = False
        case._state.db = connection.alias


def initiatives_update(
    *, actor, changes: list[tuple[Initiative, dict[str, Any]]]
) -> list[Initiative]:
    """Edit many drafts at once (a re-imported form): ``initiative_update``'s guarantees
    for each — an officer of its unit or the Ban Dân vận, only while it is a draft,
    the same validation and uniqueness — with the rows locked in one query and written
    with one UPDATE per ``BULK_BATCH`` cases (the edited columns only, never the state).
    All or none, refusals by index as ``initiatives_create``."""
    if not changes:
        return []
    for campaign in {case.campaign for case, _ in changes}:
        if closed := campaign.closed_errors():
            raise WorkflowError(*closed)
    allowed = _allowed_units(actor)
    states = dict(
        Initiative.objects.select_for_update()
        .filter(pk__in=[case.pk for case, _ in changes])
        .values_list("pk", "state")
    )
    refused = {
        index: [ONLY_DRAFTS if states.get(case.pk) else CHANGED_MEANWHILE]
        for index, (case, _) in enumerate(changes)
        if states.get(case.pk) != State.DRAFT
    }
    if refused:
        raise RowsRefused(refused)
    now = timezone.now()
    fields: set[str] = set()
    cases = []
    for case, data in changes:
        _fill(case, data, caller="initiatives_update")
        case.fill_keys()
        case.updated_at = now
        fields |= set(data)
        cases.append(case)
    _check_many(cases, allowed)
    try:
        with transaction.atomic():
            Initiative.objects.bulk_update(
                cases,
                sorted(fields | {"name_key", "search_text", "updated_at"}),
                batch_size=BULK_BATCH,
            )
    except IntegrityError:
        raise _duplicates(cases) from None
    return cases


EXTENSION_FIELDS = ("unit", "until", "reason", "revoked_at", "revoked_by")


def deadline_extension_grant(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    until: datetime.date,
    reason: str,
) -> DeadlineExtension:
    """The secretariat lets ``unit`` and its sub-units submit until ``until``.

    Guarantees: only the secretariat (or the superuser); a reason; the campaign is not
    closed; ``until`` lies after the registration deadline (an extension to a date the
    deadline already covers would change nothing); one administration log row. Telling
    the unit is the caller's part (``plans.services``)."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    errors = []
    if not reason.strip():
        errors.append(REASON_REQUIRED)
    if campaign.is_closed:
        errors.append(EXTENSION_CAMPAIGN_CLOSED.format(year=campaign.year))
    if until <= campaign.registration_deadline:
        errors.append(
            EXTENSION_NOT_AFTER_DEADLINE.format(
                deadline=campaign.registration_deadline.strftime("%d/%m/%Y")
            )
        )
    if errors:
        raise WorkflowError(*errors)
    with transaction.atomic():
        extension = DeadlineExtension.objects.create(
            campaign=campaign, unit=unit, until=until, reason=reason.strip(), granted_by=actor
        )
        audit.record(
            actor=actor,
            action="extension.grant",
            target=extension,
            after=audit.snapshot(extension, ("unit", "until", "reason")),
            reason=extension.reason,
        )
    return extension


def deadline_extension_revoke(
    *, actor, extension: DeadlineExtension, reason: str = ""
) -> DeadlineExtension:
    """End an extension now. The row stays (revoked at, by whom), so the list and the
    administration log keep reading it; revoking twice is refused."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    with transaction.atomic():
        locked = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        if locked.revoked_at is not None:
            raise WorkflowError(EXTENSION_ALREADY_REVOKED)
        before = audit.snapshot(locked, ("revoked_at", "revoked_by"))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="extension.revoke",
            target=locked,
            before=before,
            after=audit.snapshot(locked, ("revoked_at", "revoked_by")),
            reason=reason.strip(),
        )
    return locked


def initiative_discard_blockers(*, actor, initiative: Initiative) -> list[str]:
    """Why ``actor`` may not discard ``initiative`` (empty: they may). The case page
    lists these beside a disabled "Xoá bản nháp"; ``initiative_discard`` refuses with them."""
    if Role.UNIT_OFFICER not in initiative.roles_of(actor):
        return [DISCARD_NOT_OFFICER]
    if initiative.state != State.DRAFT:
        return [DISCARD_NOT_DRAFT.format(state=initiative.get_state_display())]
    # Stamped by every submission (and, for older ones, from the log by migration 0004).
    if initiative.registered_at is not None:
        return [DISCARD_WAS_SUBMITTED]
    return []


def initiative_discard(*, actor, initiative: Initiative) -> None:
    """Delete a draft that was never submitted, on behalf of an officer of its unit.

    Guarantees: the row is locked and re-read, so a draft submitted meanwhile is refused
    (never deleted); anything ever submitted — a registration stamp, or a row that
    protects the case (a log row, an inspection, a vote) — is refused: its history
    stays. A never-submitted draft has no log, inspection, vote or progress report to
    lose. One administration log row (``initiative.discard``) keeps
    who deleted which draft of which unit, so a vanished draft can be explained."""
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("unit", "campaign")
            .filter(pk=initiative.pk)
            .first()
        )
        if locked is None:
            raise WorkflowError(CHANGED_MEANWHILE)
        if errors := initiative_discard_blockers(actor=actor, initiative=locked):
            raise WorkflowError(*errors)
        audit.record(
            actor=actor,
            action="initiative.discard",
            target=locked,
            before=audit.snapshot(locked, ("name", "unit", "campaign")),
        )
        try:
            locked.delete()
        except ProtectedError as exc:  # a log row or another app's record: it has history
            raise WorkflowError(DISCARD_WAS_SUBMITTED) from exc
