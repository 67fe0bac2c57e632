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
from django.db.models import Count, Q, QuerySet

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


class GroupedIds:
    """The ids of `qs` in groups by `field` — its `values` in that order, then any other
    value — and within a group by `order`; for `Paginator`, which asks for `count()` and then
    one slice.

    The same order as sorting by the field's rank in `values` first, but each page is read
    from the one group it falls in (two where a page crosses from one group into the next),
    ordered by `order` alone, which an index can answer: sorting by a rank computed in the
    query made PostgreSQL sort every row to find a page (53 ms for 100,000 variations).
    `count()` counts each group (one query), so a page knows which group it is in."""

    def __init__(self, qs: QuerySet, *, field: str, values: list, order: list[str], counting=None):
        self.qs, self.field, self.values, self.order = qs.order_by(), field, list(values), order
        # The same rows in a form quicker to count, when there is one.
        self.counting = (counting if counting is not None else qs).order_by()
        self.counts: list[tuple[Q, int]] | None = None

    def count(self) -> int:
        counted = dict(
            self.counting.values_list(self.field)
            .annotate(n=Count("*"))
            .values_list(self.field, "n")
        )
        groups = [(Q(**{self.field: v}), counted.pop(v, 0)) for v in self.values]
        if counted:  # values not in the list come last, together (as an unknown rank would)
            groups.append((~Q(**{f"{self.field}__in": self.values}), sum(counted.values())))
        self.counts = groups
        return sum(n for _, n in groups)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        if self.counts is None:
            self.count()
        start, stop = key.start or 0, key.stop
        parts, offset, first_offset = [], 0, None
        for where, n in self.counts:
            if n and offset + n > start and (stop is None or offset < stop):
                if first_offset is None:
                    first_offset = offset
                parts.append(where)
            offset += n
        if not parts:
            return []
        ids = self.qs.values_list("pk", flat=True)
        a, b = start - first_offset, None if stop is None else stop - first_offset
        if len(parts) == 1:
            return list(ids.filter(parts[0]).order_by(*self.order)[a:b])
        # A page across groups: their ranks first (few rows: the groups the page meets).
        from django.db.models import Case, IntegerField, Value, When

        rank = Case(
            *[When(where, then=Value(i)) for i, where in enumerate(parts)],
            output_field=IntegerField(),
        )
        either = Q()
        for where in parts:
            either |= where
        ordered = ids.filter(either).annotate(_group_rank=rank).order_by("_group_rank", *self.order)
        return list(ordered[a:b])


def paginate(request, items, *, per_page: int = PER_PAGE, groups: dict | None = None) -> Page:
    """This request's page of `items` (a queryset or list), with `.links` for the macro.

    `groups` — `{"field": ..., "values": [...], "order": [...]}` — pages a queryset in the
    order of `GroupedIds` (the field's values first, then `order`), each page read with an
    index where one fits."""
    if isinstance(items, QuerySet):
        ids = GroupedIds(items, **groups) if groups else items.values_list("pk", flat=True)
        page = Paginator(ids, per_page).get_page(request.GET.get("page"))
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
