"""Account pages: sign in, sign up, sign out, and a person's own page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from sizes.accounts.forms import SignInForm, SignUpForm
from sizes.core.ratelimit import set_retry_after
from sizes.engagement.services import email_verification_send
from sizes.partners.models import Membership


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        blocked = getattr(self.request, "sizes_sign_in_blocked", None)
        response = self.render_to_response(
            self.get_context_data(form=form), status=429 if blocked else 400
        )
        return set_retry_after(response, blocked) if blocked else response


@require_http_methods(["GET", "POST"])
def sign_up(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        email_verification_send(user=user)
        messages.success(
            request,
            f"Your account has been created. You are signed in as {user}. We have emailed "
            f"{user.email} a link: open it to confirm your email address.",
        )
        return redirect(next_url or "accounts:profile")
    return render(
        request,
        "accounts/sign_up.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound else 200,
    )


@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name"),
            "zones": user.stewarded_zones.order_by("name"),
        },
    )
