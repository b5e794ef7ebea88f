"""python manage.py export_registrations --campaign YEAR [--unit NAME] [--state STATE]
-o FILE.xlsx [--user USERNAME]

Writes the cases of a campaign in the official layout of the registration form, through
the same filters and scoping as the list page's "Xuất Excel"."""

from django.core.management.base import BaseCommand, CommandError

from models_registry.filters import InitiativeFilter
from models_registry.models import Campaign
from models_registry.services.bieu_mau import registrations_export
from units.selectors import unit_match
from units.text import fold
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from ...selectors import initiative_list
from ._registrations import USER_HELP, command_actor

NO_CAMPAIGN = "Không có kế hoạch năm {year}."
UNKNOWN_STATE = "Trạng thái “{state}” không có; chọn một trong: {choices}."
DONE = "Đã xuất {count} hồ sơ vào {path}."


def state_code(text: str) -> str:
    """A state given as its code ("registered") or its Vietnamese name ("Đã đăng ký")."""
    wanted = fold(text)
    for value, label in State.choices:
        if wanted in (fold(value), fold(label)):
            return value
    choices = ", ".join(f"{value} ({label})" for value, label in State.choices)
    raise CommandError(UNKNOWN_STATE.format(state=text, choices=choices))


class Command(BaseCommand):
    # No system checks at start (see import_registrations).
    requires_system_checks = []
    help = "Xuất danh sách mô hình ra tệp Excel theo đúng biểu mẫu đăng ký."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, required=True, metavar="YEAR", help="Năm")
        parser.add_argument("--unit", help="Tên đơn vị (gồm cả các đơn vị trực thuộc)")
        parser.add_argument("--state", help="Trạng thái (mã hoặc tên, ví dụ registered)")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
        parser.add_argument("--user", metavar="USERNAME", help=USER_HELP)

    def handle(self, *args, **options) -> None:
        campaign = Campaign.objects.filter(year=options["campaign"]).first()
        if campaign is None:
            raise CommandError(NO_CAMPAIGN.format(year=options["campaign"]))
        actor = command_actor(options["user"])
        data = {"campaign": campaign.pk}
        unit = None
        if options["unit"]:
            try:
                unit = unit_match(options["unit"])
            except WorkflowError as error:
                raise CommandError(" ".join(error.messages)) from None
            data["unit"] = unit.pk
        if options["state"]:
            data["state"] = state_code(options["state"])
        filterset = InitiativeFilter(data, queryset=initiative_list(actor=actor))
        if not filterset.is_valid():
            raise CommandError(" ".join(str(e) for e in filterset.errors.values()))
        count = registrations_export(
            actor=actor,
            queryset=filterset.qs,
            destination=options["output"],
            unit=unit,
            campaign=campaign,
        )
        self.stdout.write(DONE.format(count=count, path=options["output"]))
