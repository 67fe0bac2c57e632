"""Admin for organisations and partnerships. Answers and memberships go through services."""

from django.contrib import admin

from sizes.core.admin_helpers import ReadOnlyAdmin, run_service
from sizes.partners import services
from sizes.partners.models import Membership, Organisation, Partnership


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["slug", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "status", "can_sign", "decided_by"]
    list_filter = ["status", "can_sign"]
    actions = ["approve_signing", "decline"]

    @admin.action(description="Approve, with the right to sign for the organisation")
    def approve_signing(self, request, queryset):
        for m in queryset:
            run_service(
                request, services.membership_decide, actor=request.user, membership=m,
                approve=True, can_sign=True,
            )  # fmt: skip

    @admin.action(description="Decline")
    def decline(self, request, queryset):
        for m in queryset:
            run_service(
                request, services.membership_decide, actor=request.user, membership=m,
                approve=False,
            )  # fmt: skip

    def has_change_permission(self, request, obj=None):
        # Needed for actions to show; the rows themselves stay read-only.
        return request.user.is_superuser and obj is None


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "zone", "role", "response", "responded_at"]
    list_filter = ["role", "response"]
