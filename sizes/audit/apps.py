from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sizes.audit"
    label = "audit"
    verbose_name = "Audit trail"
