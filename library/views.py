"""The library's pages: the list and a page per model (for anyone signed in, and for the
public when the secretariat opened it), a published photo, replicating a model, and the
secretariat's publishing and public switch. Thin: a selector that checks what may be
seen, one service, a redirect or a page."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from models_registry.models import ProgressAttachment
from models_registry.selectors import carry_over_target, initiative_get
from models_registry.served import upload_response
from units.access import is_secretariat, officer_units
from units.decorators import secretariat_only
from units.models import Unit
from workflow.errors import WorkflowError

from . import selectors, services
from .forms import LibraryFilterForm

PUBLISHED = "Đã đưa mô hình “{name}” vào thư viện."
WITHDRAWN = "Đã gỡ mô hình “{name}” khỏi thư viện."
PHOTO_RELEASED = "Ảnh “{name}” sẽ được hiển thị trong thư viện khi mô hình được công bố."
PHOTO_UNRELEASED = "Ảnh “{name}” không còn được hiển thị trong thư viện."
PUBLIC_ON = "Thư viện mô hình đã công khai: ai cũng xem được, không cần đăng nhập."
PUBLIC_OFF = "Thư viện mô hình chỉ còn dành cho người đã đăng nhập."
REPLICATED = "Đã tạo bản nháp nhân rộng mô hình “{name}”. Hãy điều chỉnh cho phù hợp với đơn vị rồi gửi đăng ký."
FILE_GONE = "Tệp ảnh không còn trên máy chủ."
UNIT_UNKNOWN = "Vui lòng chọn đơn vị nhân rộng."


def library_reader(view):
    """Anyone signed in; the public too, only while the library is public."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and not services.library_settings().public:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _errors(request: HttpRequest, error: WorkflowError) -> None:
    for message in error.messages:
        messages.error(request, message)


@library_reader
def list_view(request: HttpRequest) -> HttpResponse:
    choices = selectors.library_choices()
    form = LibraryFilterForm(request.GET or None, choices=choices)
    filters = selectors.LibraryFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        unit = next((u for u in choices["units"] if u.pk == data["unit"]), None)
        filters = selectors.LibraryFilters(
            q=data["q"], field=data["field"], unit=unit, level=data["level"], year=data["year"]
        )
    models = selectors.library_rows(selectors.library_filter(selectors.library_models(), filters))
    page = Paginator(models, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "library/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_secretariat": request.user.is_authenticated and is_secretariat(request.user),
        },
    )


def _replicate_offer(request: HttpRequest, model) -> dict:
    """What the page says about replicating ``model``: the units the user may replicate
    it for, or why they may not."""
    user = request.user
    if not user.is_authenticated:
        return {}
    units = [unit for unit in officer_units(user) if unit.pk != model.unit_id]
    reasons = []
    campaign = carry_over_target()
    if not officer_units(user):
        reasons.append(services.REPLICATE_NOT_OFFICER)
    elif not units:
        reasons.append(services.REPLICATE_OWN_UNIT.format(unit=model.unit.name))
    if campaign is None:
        reasons.append(services.REPLICATE_NO_CAMPAIGN)
    return {"units": units, "campaign": campaign, "reasons": reasons}


@library_reader
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.library_model_get(pk)
    return render(
        request,
        "library/detail.html",
        {
            "model": model,
            "data": selectors.library_model_page(model),
            "offer": _replicate_offer(request, model),
            "is_secretariat": request.user.is_authenticated and is_secretariat(request.user),
        },
    )


@library_reader
def photo_view(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    model = selectors.library_model_get(pk)
    photo = selectors.library_photo_get(model=model, photo_pk=photo_pk)
    attachment = photo.attachment
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(FILE_GONE) from None
    # As every upload: sandboxed, never sniffed, never cached; an image shown inline.
    return upload_response(
        handle,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        inline=True,
    )


@login_required
@require_POST
def replicate_view(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.library_model_get(pk)
    unit_pk = request.POST.get("unit", "")
    # The unit asked for (the service checks it is the officer's), or their only one.
    unit = Unit.objects.filter(pk=unit_pk).first() if unit_pk.isdigit() else None
    if unit is None:
        own = [u for u in officer_units(request.user) if u.pk != model.unit_id]
        unit = own[0] if len(own) == 1 else None
    if unit is None:
        messages.error(
            request,
            UNIT_UNKNOWN if officer_units(request.user) else services.REPLICATE_NOT_OFFICER,
        )
        return redirect("library:detail", pk=model.pk)
    try:
        draft = services.initiative_replicate(actor=request.user, source=model, unit=unit)
    except WorkflowError as error:
        _errors(request, error)
        return redirect("library:detail", pk=model.pk)
    messages.success(request, REPLICATED.format(name=model.name))
    return redirect("models_registry:initiative_edit", pk=draft.pk)


def _back(request: HttpRequest, initiative) -> HttpResponse:
    # From the management page back to it; from the case page back to the case.
    if request.POST.get("next") == "manage":
        return redirect("library:manage")
    return redirect(initiative)


@login_required
@require_POST
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Seen or not (404), then the service says who may publish.
    initiative = initiative_get(actor=request.user, pk=pk)
    try:
        services.publication_publish(actor=request.user, initiative=initiative)
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, PUBLISHED.format(name=initiative.name))
    return _back(request, initiative)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Seen or not (404), then the service says who may publish.
    initiative = initiative_get(actor=request.user, pk=pk)
    try:
        services.publication_withdraw(
            actor=request.user, initiative=initiative, reason=request.POST.get("reason", "")
        )
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, WITHDRAWN.format(name=initiative.name))
    return _back(request, initiative)


@login_required
@require_POST
def photo_choose_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    attachment = get_object_or_404(
        ProgressAttachment.objects.select_related("report__initiative"),
        pk=attachment_pk,
        report__initiative=initiative,
    )
    release = request.POST.get("publish") == "1"
    try:
        if release:
            services.photo_release(actor=request.user, attachment=attachment)
        else:
            services.photo_unrelease(actor=request.user, attachment=attachment)
    except WorkflowError as error:
        _errors(request, error)
    else:
        done = PHOTO_RELEASED if release else PHOTO_UNRELEASED
        messages.success(request, done.format(name=attachment.original_name))
    return redirect(initiative)


@secretariat_only
def manage_view(request: HttpRequest) -> HttpResponse:
    """The secretariat's page: the public switch, and the recognised models with their
    place in the library (publish, withdraw)."""
    if request.method == "POST":
        public = request.POST.get("public") == "1"
        try:
            services.library_public_set(actor=request.user, public=public)
        except WorkflowError as error:
            _errors(request, error)
        else:
            messages.success(request, PUBLIC_ON if public else PUBLIC_OFF)
        return redirect("library:manage")
    page = Paginator(selectors.recognised_cases(), settings.CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "library/manage.html",
        {"page": page, "library": services.library_settings()},
    )
