from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sizes.accounts.models import User


@admin.register(User)
class SizesUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("SIZes", {"fields": ("display_name", "is_council_admin")}),)
    list_display = ("username", "email", "display_name", "is_council_admin", "is_superuser")
