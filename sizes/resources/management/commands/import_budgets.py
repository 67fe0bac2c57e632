"""`sizes import-budgets FILE --zone SLUG --organisation SLUG [--commit]`."""

from sizes.resources.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Check (and with --commit, add) a partner's budgets for a zone from a CSV file."
    kind = "budgets"
