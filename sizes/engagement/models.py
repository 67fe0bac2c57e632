"""How people take part. For now: comments on zones (public consultation)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.zone}"
