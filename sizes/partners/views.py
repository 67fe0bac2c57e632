"""Organisation pages. Views parse input, call a service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sizes.core.errors import DomainError, NotAllowed, NotFound
from sizes.partners import permissions as pperms
from sizes.partners import selectors, services
from sizes.partners.forms import MembershipDecisionForm, OrganisationForm
from sizes.partners.models import Membership, Organisation
from sizes.zones.forms import add_domain_error, message_form


def organisations(request):
    return render(
        request,
        "partners/organisations.html",
        {
            "organisations": Organisation.objects.order_by("name"),
            "can_create": pperms.can_create_organisation(request.user),
        },
    )


def _organisation_page(request, org, *, errors_form=None, status=200):
    user = request.user
    can_manage = pperms.can_manage_members(user, org)
    return render(
        request,
        "partners/organisation.html",
        {
            "org": org,
            "partnerships": selectors.organisation_partnerships_for_user(
                organisation=org, user=user
            ),
            "membership": selectors.membership_for(organisation=org, user=user),
            "can_manage": can_manage,
            "can_sign": pperms.can_sign_for(user, org),
            "pending": selectors.membership_requests_pending(organisation=org)
            if can_manage
            else [],
            "form": errors_form,
        },
        status=status,
    )


def organisation(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    return _organisation_page(request, org)


@require_POST
@login_required
def join(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    try:
        services.membership_request(actor=request.user, organisation=org)
    except NotAllowed:
        raise
    except DomainError as exc:
        return _organisation_page(request, org, errors_form=message_form(exc.message), status=400)
    messages.success(
        request,
        f"You have asked to join {org.name}. A member who can sign for it will decide.",
    )
    return redirect("partners:organisation", org.slug)


@require_POST
@login_required
def membership_decide(request, slug, pk):
    org = get_object_or_404(Organisation, slug=slug)
    membership = Membership.objects.filter(organisation=org, pk=pk).select_related("user").first()
    if membership is None:
        raise NotFound("There is no such request to join this organisation.")
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, org, errors_form=form, status=400)
    decision = form.cleaned_data["decision"]
    try:
        services.membership_decide(
            actor=request.user,
            membership=membership,
            approve=decision != "decline",
            can_sign=decision == "approve_sign",
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _organisation_page(request, org, errors_form=message_form(exc.message), status=400)
    name = membership.user.public_name
    messages.success(
        request,
        f"{name} has been declined."
        if decision == "decline"
        else f"{name} is now a member of {org.name}"
        + (" and can sign for it." if decision == "approve_sign" else "."),
    )
    return redirect("partners:organisation", org.slug)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request):
    if not pperms.can_create_organisation(request.user):
        raise NotAllowed("Only council administrators can add organisations.")
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            org = services.organisation_create(
                actor=request.user,
                name=d["name"],
                kind=d["kind"],
                description=d["description"],
                website=d["website"],
                lat=d["lat"],
                lon=d["lon"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_domain_error(
                form,
                exc,
                field_map={
                    "organisation_exists": "name",
                    "location_incomplete": "lat",
                    "coordinates_out_of_range": "lat",
                    "coordinates_invalid": "lat",
                },
            )
        else:
            messages.success(request, f"{org.name} has been added.")
            return redirect("partners:organisation", org.slug)
    return render(
        request,
        "partners/organisation_create.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
