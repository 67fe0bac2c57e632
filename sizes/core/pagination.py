"""Page numbers for long lists (the zones and variations registers), GOV.UK style.

`paginate(request, items)` returns Django's `Page` for `?page=N` plus the links the
`macros/pagination.html` macro shows. A page number that is not a number gives the first page
and one past the end gives the last (Django's `get_page`), so a stale link never fails.

Three queries per list whatever its length: a COUNT, the page's ids in order, and those rows
(with what the queryset selects and prefetches). Sorting ids alone, not whole rows, is what
keeps a page of 100,000 variations quick: the database sorts every matching row to find one
page, and SQLite carries every selected column through that sort.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PER_PAGE = 50


def _href(request, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = str(number)
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page numbers to link, with None for a gap: 1 … 4 5 6 … 20."""
    wanted = {1, last, current - 1, current, current + 1}
    out: list[int | None] = []
    previous = 0
    for n in sorted(x for x in wanted if 1 <= x <= last):
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


def paginate(request, items, *, per_page: int = PER_PAGE) -> Page:
    """This request's page of `items` (a queryset or list), with `.links` for the macro."""
    if isinstance(items, QuerySet):
        page = Paginator(items.values_list("pk", flat=True), per_page).get_page(
            request.GET.get("page")
        )
        ids = list(page.object_list)
        rows = {row.pk: row for row in items.order_by().filter(pk__in=ids)}
        page.object_list = [rows[pk] for pk in ids if pk in rows]
    else:
        page = Paginator(items, per_page).get_page(request.GET.get("page"))
    n, last = page.number, page.paginator.num_pages
    page.links = {
        "previous": {"href": _href(request, n - 1)} if page.has_previous() else None,
        "next": {"href": _href(request, n + 1)} if page.has_next() else None,
        "items": [
            {"ellipsis": True}
            if x is None
            else {"number": x, "href": _href(request, x), "current": x == n}
            for x in page_numbers(n, last)
        ]
        if last > 1
        else [],
    }
    return page
