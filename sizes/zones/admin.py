"""Admin for zones. Status changes run through the same services as the pages, so an
administrator cannot declare a zone that breaks the rules; the status itself is read-only."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from sizes.core.admin_helpers import ReadOnlyAdmin, run_service
from sizes.zones import services
from sizes.zones.models import Review, Theme, Zone


class ZoneAdminForm(forms.ModelForm):
    # The version read when the form was opened; a stale one is refused by the service.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    theme_names = forms.CharField(
        required=False, help_text="Themes, separated by commas.", label="Themes"
    )

    class Meta:
        model = Zone
        fields = ["name", "summary", "intention", "review_date", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["theme_names"].initial = ", ".join(
                t.name for t in self.instance.themes.all()
            )


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    form = ZoneAdminForm
    list_display = ["name", "status", "declared_on", "review_date", "ended_on"]
    list_filter = ["status", "themes"]
    search_fields = ["name", "summary"]
    readonly_fields = [
        "status", "slug", "proposed_on", "consultation_ends", "declared_on",
        "review_due_since", "ended_on", "end_reason", "created_by", "created_at", "outcome_list",
    ]  # fmt: skip
    actions = ["open_consultation", "declare"]

    def get_fields(self, request, obj=None):
        editable = ["name", "summary", "intention", "review_date", "theme_names", "version"]
        return editable + (self.readonly_fields if obj else [])

    @admin.display(description="Outcomes")
    def outcome_list(self, obj):
        return "; ".join(o.title for o in obj.outcomes.all()) or "None yet"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        themes = [t for t in (data.get("theme_names") or "").split(",") if t.strip()]
        if change:
            saved = run_service(
                request, services.zone_update, actor=request.user,
                zone=Zone.objects.get(pk=obj.pk), expected_version=data.get("version"),
                name=data["name"], summary=data["summary"], intention=data["intention"],
                review_date=data["review_date"], themes=themes, reason="Edited in admin",
            )  # fmt: skip
        else:
            saved = run_service(
                request, services.zone_create, actor=request.user, name=data["name"],
                summary=data["summary"], intention=data["intention"],
                review_date=data["review_date"], themes=themes,
            )  # fmt: skip
        if saved is not None:
            obj.pk, obj.slug = saved.pk, saved.slug
        else:
            request.sizes_refused = True

    def save_related(self, request, form, formsets, change):
        # Themes and stewards are set by the service; inlines are read-only.
        pass

    def response_add(self, request, obj, post_url_continue=None):
        return self._refused_or(request, obj, super().response_add, post_url_continue)

    def response_change(self, request, obj):
        return self._refused_or(request, obj, super().response_change)

    def _refused_or(self, request, obj, respond, *args):
        if getattr(request, "sizes_refused", False):
            return HttpResponseRedirect(request.path)
        return respond(request, obj, *args)

    def log_addition(self, request, obj, message):
        if obj.pk:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "sizes_refused", False):
            super().log_change(request, obj, message)

    @admin.action(description="Open the selected drafts for public consultation")
    def open_consultation(self, request, queryset):
        for zone in queryset:
            if run_service(request, services.zone_publish, actor=request.user, zone=zone):
                messages.success(request, f"{zone.name} is open for consultation.")

    @admin.action(description="Declare the selected zones (only if every rule holds)")
    def declare(self, request, queryset):
        for zone in queryset:
            if run_service(request, services.zone_declare, actor=request.user, zone=zone):
                messages.success(request, f"{zone.name} is declared.")

    def has_delete_permission(self, request, obj=None):
        # Zones end by withdrawal or dissolution, never by deletion: the register keeps them.
        return False


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["zone", "held_on", "decision", "new_review_date"]
