from django.contrib import admin

from sizes.engagement.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["zone", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    fields = ["zone", "author", "body", "created_at", "hidden"]
    readonly_fields = ["zone", "author", "body", "created_at"]

    def has_add_permission(self, request):
        return False
