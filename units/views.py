"""The unit directory's pages, for the secretariat (and the superuser): the tree, a unit
with its changes (rename, move, close, merge), a new unit, and the bulk load from a CSV
file with a preview. Everyone else gets a 404: the pages do not exist for them."""

import base64
import binascii

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from workflow.errors import WorkflowError

from . import forms as unit_forms
from . import services
from .decorators import secretariat_only
from .selectors import unit_ancestors, unit_get, unit_tree

CREATED = "Đã thêm đơn vị “{unit}”."
UPDATED = "Đã lưu thông tin đơn vị “{unit}”."
RENAMED = "Đã đổi tên thành “{unit}”; tên cũ “{old}” được giữ làm tên gọi khác."
MOVED = "Đã chuyển “{unit}” về trực thuộc “{parent}”."
CLOSED = "Đã đóng đơn vị “{unit}” từ sau ngày {date}."
MERGED = (
    "Đã sáp nhập “{unit}” vào “{into}”: chuyển {cases} hồ sơ, {memberships} phân quyền, "
    "{units} đơn vị trực thuộc."
)
IMPORTED = "Đã nạp danh mục: tạo mới {created} đơn vị, cập nhật {updated}, giữ nguyên {unchanged}."
BAD_PREVIEW = "Không đọc lại được tệp đã xem trước. Vui lòng chọn lại tệp."


def _errors(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@secretariat_only
def unit_tree_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    rows = unit_tree(today=timezone.localdate(), q=q)
    return render(
        request,
        "units/tree.html",
        {"rows": rows, "q": q, "today": timezone.localdate(), "total": len(rows)},
    )


@secretariat_only
def unit_create_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (parent := request.GET.get("parent", "")).isdigit():
        initial["parent"] = int(parent)
    form = unit_forms.UnitCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _errors(form, error)
        else:
            messages.success(request, CREATED.format(unit=unit))
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/create.html", {"form": form})


def _detail(request: HttpRequest, unit, **bound) -> HttpResponse:
    """The unit's page, with each change's form (the one just posted, bound)."""
    edit = bound.get("edit") or unit_forms.UnitEditForm(
        initial={
            "short_name": unit.short_name,
            "kind": unit.kind,
            "email": unit.email,
            "aliases": unit.aliases,
        }
    )
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(unit),
        "children": list(unit.children.order_by("name").only("pk", "name", "active_to", "parent")),
        "predecessors": list(
            unit.predecessors.order_by("name").only("pk", "name", "active_to", "successor")
        ),
        "edit_form": edit,
        "rename_form": bound.get("rename") or unit_forms.UnitRenameForm(),
        "move_form": bound.get("move") or unit_forms.UnitMoveForm(unit=unit),
        "close_form": bound.get("close")
        or unit_forms.UnitCloseForm(unit=unit, initial={"on": timezone.localdate()}),
        "merge_form": bound.get("merge")
        or unit_forms.UnitMergeForm(unit=unit, initial={"on": timezone.localdate()}),
        "open_form": next(iter(bound), ""),
    }
    status = 400 if bound else 200
    return render(request, "units/detail.html", context, status=status)


@secretariat_only
def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, unit_get(pk=pk))


def _change(
    request: HttpRequest, pk: int, *, key: str, form_class, apply, of_unit: bool = True
) -> HttpResponse:
    """Validate the posted form of one change, call its service, come back to the page.
    ``of_unit``: the form's choices depend on the unit (not under itself)."""
    unit = unit_get(pk=pk)
    form = form_class(request.POST, unit=unit) if of_unit else form_class(request.POST)
    if form.is_valid():
        try:
            text = apply(unit, form.cleaned_data)
        except WorkflowError as error:
            _errors(form, error)
        else:
            messages.success(request, text)
            return redirect("units:detail", pk=unit.pk)
    return _detail(request, unit, **{key: form})


@secretariat_only
@require_POST
def unit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(unit, data):
        unit = services.unit_update(actor=request.user, unit=unit, **data)
        return UPDATED.format(unit=unit)

    return _change(
        request, pk, key="edit", form_class=unit_forms.UnitEditForm, apply=apply, of_unit=False
    )


@secretariat_only
@require_POST
def unit_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(unit, data):
        old = unit.name
        unit = services.unit_rename(actor=request.user, unit=unit, **data)
        return RENAMED.format(unit=unit, old=old)

    return _change(
        request, pk, key="rename", form_class=unit_forms.UnitRenameForm, apply=apply, of_unit=False
    )


@secretariat_only
@require_POST
def unit_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(unit, data):
        unit = services.unit_move(actor=request.user, unit=unit, **data)
        return MOVED.format(unit=unit, parent=data["parent"])

    return _change(request, pk, key="move", form_class=unit_forms.UnitMoveForm, apply=apply)


@secretariat_only
@require_POST
def unit_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(unit, data):
        unit = services.unit_close(actor=request.user, unit=unit, **data)
        return CLOSED.format(unit=unit, date=unit.active_to.strftime("%d/%m/%Y"))

    return _change(request, pk, key="close", form_class=unit_forms.UnitCloseForm, apply=apply)


@secretariat_only
@require_POST
def unit_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(unit, data):
        moved = services.unit_merge(actor=request.user, unit=unit, **data)
        return MERGED.format(
            unit=unit,
            into=data["into"],
            cases=moved.get("cases", 0),
            memberships=moved.get("memberships", 0),
            units=moved.get("units", 0),
        )

    return _change(request, pk, key="merge", form_class=unit_forms.UnitMergeForm, apply=apply)


@secretariat_only
def unit_import_view(request: HttpRequest) -> HttpResponse:
    """Upload → preview (the same code as ``import_units --dry-run``) → confirm."""
    form = unit_forms.UnitImportForm()
    context: dict = {"form": form}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = unit_forms.UnitImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValueError
            data = base64.b64decode(confirm.cleaned_data["data"], validate=True)
        except (ValueError, binascii.Error):
            messages.error(request, BAD_PREVIEW)
            return redirect("units:import")
        try:
            result = services.units_import(actor=request.user, data=data)
        except WorkflowError as error:
            context["errors"] = error.messages
        else:
            messages.success(
                request,
                IMPORTED.format(
                    created=len(result.created),
                    updated=len(result.updated),
                    unchanged=len(result.unchanged),
                ),
            )
            return redirect("units:tree")
    elif request.method == "POST":
        form = unit_forms.UnitImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                result = services.units_import(actor=request.user, data=data, dry_run=True)
            except WorkflowError as error:
                context["errors"] = error.messages
            else:
                context["preview"] = result
                context["confirm_form"] = unit_forms.UnitImportConfirmForm(
                    initial={"data": base64.b64encode(data).decode(), "name": upload.name}
                )
    return render(request, "units/import.html", context)
