"""Account pages for API tokens: list, create (the secret is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sizes.api import selectors, services
from sizes.api.forms import TokenForm
from sizes.api.models import ApiToken
from sizes.api.permissions import is_steward_anywhere
from sizes.core.errors import DomainError
from sizes.partners.models import Membership, Organisation
from sizes.zones.forms import add_domain_error


def _my_organisations(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.APPROVED
    ).order_by("name")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    organisations = list(_my_organisations(request.user))
    can_steward = is_steward_anywhere(request.user)
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        can_steward=can_steward,
    )
    if form.is_bound and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                organisations=form.chosen_organisations(),
                stewardship=form.cleaned_data.get("stewardship", False),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Shown once, on this response only: never redirected to, never cached.
            return render(
                request, "api/token_created.html", {"token": token, "secret": secret}, status=201
            )
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "organisations": organisations,
            "can_steward": can_steward,
            "tokens": selectors.tokens_for_user(user=request.user),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” has been revoked. It no longer works.")
    return redirect("tokens:list")
