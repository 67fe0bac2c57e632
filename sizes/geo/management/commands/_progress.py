"""Progress lines for long imports, written to stderr so stdout stays the result."""


def stderr_progress(command, label: str):
    def report(done: int, total: int | None) -> None:
        if total:
            command.stderr.write(f"{label}: {done:,}/{total:,} ({done * 100 // total}%)")
        else:
            command.stderr.write(f"{label}: {done:,} rows read")

    return report


def write_skipped(command, report, limit: int = 50) -> None:
    for row, reason in report.skipped[:limit]:
        command.stderr.write(f"  skipped {row}: {reason}")
    if len(report.skipped) > limit:
        command.stderr.write(f"  … and {len(report.skipped) - limit} more skipped rows")
