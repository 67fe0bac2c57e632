"""The `sizes` command: Django's management commands under one name.

`sizes demo`, `sizes serve`, `sizes tick` and every Django command (`sizes migrate`, ...)
run through here. Hyphenated names are accepted for commands whose Django name uses
underscores (`sizes import-boundaries` runs `import_boundaries`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
