"""Open-standard exports of a zone's pooled information. Public records only.

* `grants_360giving(zone)` — the zone's grants (pledges that became grants) as a 360Giving
  package (JSON, schema 1.4).
* `openreferral(zone)` — the zone's partner organisations and the services they run in the zone
  (from their public budgets), as Open Referral UK / HSDS 3.0 objects.
* `budgets_csv(zone)` — public budgets as CSV; `BUDGET_COLUMNS` is the column dictionary (also
  in docs/pooled-information.md) and `budgets_datapackage(zone)` a Frictionless Data Package
  describing the file.

Every function reads through the visibility selectors with `user=None` (the public), so a
partners-only record cannot appear in an export.
"""

from __future__ import annotations

import csv
import io
import uuid

from django.utils import timezone

from sizes.partners.models import Partnership
from sizes.resources import selectors as s
from sizes.zones.models import Zone

# Namespace for the stable UUIDs Open Referral asks for (uuid5 of "organisation:<pk>", ...).
SIZES_NS = uuid.UUID("6f1d3c52-2a43-5b8e-9d57-1b1f8f0e4a10")
GRANT_PREFIX = "360G-SIZES"


def _uuid(kind: str, key) -> str:
    return str(uuid.uuid5(SIZES_NS, f"{kind}:{key}"))


def _org_ref(org) -> dict:
    """An organisation for 360Giving: its org-id, or a SIZes identifier when it has none."""
    return {"id": s.org_id_for(org) or f"XI-SIZES-{org.slug}", "name": org.name}


def _recipient(zone: Zone):
    """Who receives grants made to the zone: its lead partner, else its first council partner,
    else its first partner."""
    parts = list(Partnership.objects.filter(zone=zone).select_related("organisation"))
    for test in (
        lambda p: p.role == Partnership.Role.LEAD,
        lambda p: p.organisation.kind == "council",
        lambda p: True,
    ):
        for p in parts:
            if test(p):
                return p.organisation
    return None


def grants_360giving(zone: Zone, *, base_url: str = "") -> dict | None:
    """The zone's public grants as a 360Giving package; None when it has no public grants
    (a package must hold at least one grant)."""
    grants = list(
        s.grants_visible_to(None, zone)
        .select_related("organisation")
        .prefetch_related("organisation__identifiers")
        .order_by("granted_on", "pk")
    )
    if not grants:
        return None
    recipient = _recipient(zone)
    items = []
    for p in grants:
        amount = p.granted_amount if p.granted_amount is not None else p.amount
        grant = {
            "id": f"{GRANT_PREFIX}-{p.grant_ref or p.pk}",
            "title": p.title,
            "description": p.conditions or f"{p.title}, for the {zone.name} zone.",
            "currency": p.currency or "GBP",
            "amountAwarded": float(amount or 0),
            "awardDate": p.granted_on.isoformat(),
            "fundingOrganization": [_org_ref(p.organisation)],
            "recipientOrganization": [
                _org_ref(recipient) if recipient else {"id": f"XI-SIZES-ZONE-{zone.slug}",
                                                       "name": zone.name}
            ],
            "beneficiaryLocation": [{"name": zone.name}],
            "dateModified": p.updated_at.isoformat(),
        }  # fmt: skip
        if p.amount is not None:
            grant["amountAppliedFor"] = float(p.amount)
        if p.period_start and p.period_end:
            grant["plannedDates"] = [
                {"startDate": p.period_start.isoformat(), "endDate": p.period_end.isoformat()}
            ]
        if base_url:
            grant["url"] = f"{base_url}/zones/{zone.slug}/"
        items.append(grant)
    return {
        "grants": items,
        "version": "1.4",
        "title": f"Grants to the {zone.name} Social Innovation Zone",
        "description": "Pledges from funders that became grants, published by SIZes.",
        "issued": timezone.localdate().isoformat(),
        "publisher": {"name": "SIZes"},
    }


def _services(zone: Zone) -> dict[int, list[str]]:
    """Organisation id -> names of the services it runs in the zone (from public budgets)."""
    out: dict[int, list[str]] = {}
    for b in s.budgets_visible_to(None, zone).order_by("service"):
        names = out.setdefault(b.organisation_id, [])
        if b.service not in names:
            names.append(b.service)
    return out


def openreferral(zone: Zone, *, base_url: str = "") -> dict:
    """The zone's partner organisations and their services in the zone, as HSDS 3.0 objects:
    `{"organizations": [...], "services": [...]}` (each item valid against its HSDS schema)."""
    services_by_org = _services(zone)
    orgs, services = [], []
    parts = (
        Partnership.objects.filter(zone=zone)
        .select_related("organisation")
        .prefetch_related("organisation__identifiers")
        .order_by("organisation__name")
    )
    for part in parts:
        org = part.organisation
        org_uuid = _uuid("organisation", org.pk)
        item = {
            "id": org_uuid,
            "name": org.name,
            "description": org.description or f"{org.get_kind_display()} taking part in the zone.",
            "organization_identifiers": [
                {
                    "id": _uuid("identifier", i.pk),
                    "organization_id": org_uuid,
                    "identifier_scheme": i.scheme,
                    "identifier_type": "org-id",
                    "identifier": i.identifier,
                }
                for i in org.identifiers.all()
            ],
        }
        if org.website:
            item["website"] = org.website
        if base_url:
            item["uri"] = f"{base_url}/organisations/{org.slug}/"
        orgs.append(item)
        for name in services_by_org.get(org.pk, []):
            service_uuid = _uuid("service", f"{org.pk}:{zone.pk}:{name}")
            services.append(
                {
                    "id": service_uuid,
                    "organization_id": org_uuid,
                    "name": name,
                    "description": f"{name}, run by {org.name} in the {zone.name} zone.",
                    "status": "active",
                    "service_areas": [
                        {
                            "id": _uuid("service_area", f"{service_uuid}:{zone.pk}"),
                            "service_id": service_uuid,
                            "name": zone.name,
                            "description": "The Social Innovation Zone's area.",
                            "uri": f"{base_url}/zones/{zone.slug}/boundary.geojson",
                        }
                    ],
                }
            )
    return {"organizations": orgs, "services": services}


# --- budgets as CSV --------------------------------------------------------------------------

# name -> (type for the data package, description). The order is the order of the columns.
BUDGET_COLUMNS: dict[str, tuple[str, str]] = {
    "zone": ("string", "The zone's short name (slug) in SIZes."),
    "organisation": ("string", "The partner organisation's name."),
    "organisation_identifier": (
        "string",
        "The organisation's identifier in org-id form (e.g. GB-LAE-BIR), when recorded.",
    ),
    "service": ("string", "The service the money is spent on."),
    "financial_year": (
        "string",
        "The UK financial year (1 April to 31 March), like 2025-26, when the period is one.",
    ),
    "period_start": ("date", "First day of the period (YYYY-MM-DD)."),
    "period_end": ("date", "Last day of the period (YYYY-MM-DD)."),
    "amount": ("number", "The whole budget for the service over the period."),
    "currency": ("string", "ISO 4217 currency code, like GBP."),
    "zone_share_amount": ("number", "The amount spent in the zone, when given as an amount."),
    "zone_share_percent": (
        "number",
        "The share spent in the zone as a percentage (0-100), when given as a percentage.",
    ),
    "zone_amount": ("number", "The amount spent in the zone, from either of the two above."),
    "share_basis": ("string", "How the share spent in the zone was estimated."),
    "kind": ("string", "new (new money), redirected (redirected money) or in_kind."),
    "visibility": ("string", "Always public in this export."),
}


def _num(value) -> str:
    return "" if value is None else f"{value:.2f}"


def budget_rows(zone: Zone):
    budgets = (
        s.budgets_visible_to(None, zone)
        .prefetch_related("organisation__identifiers")
        .order_by("organisation__name", "period_start", "service")
    )
    for b in budgets:
        fy = b.period_label if "-" in b.period_label and " " not in b.period_label else ""
        yield {
            "zone": zone.slug,
            "organisation": b.organisation.name,
            "organisation_identifier": s.org_id_for(b.organisation) or "",
            "service": b.service,
            "financial_year": fy,
            "period_start": b.period_start.isoformat(),
            "period_end": b.period_end.isoformat(),
            "amount": _num(b.amount),
            "currency": b.currency,
            "zone_share_amount": _num(b.zone_share_amount),
            "zone_share_percent": _num(b.zone_share_percent),
            "zone_amount": _num(b.zone_amount),
            "share_basis": b.share_basis,
            "kind": b.kind,
            "visibility": b.visibility,
        }


def _safe_cell(value: str) -> str:
    """Stop spreadsheet programs running a cell as a formula (CSV injection)."""
    if value and value[0] in "=+-@\t\r" and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def budgets_csv(zone: Zone) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(BUDGET_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for row in budget_rows(zone):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def budgets_datapackage(zone: Zone) -> dict:
    """A Frictionless Data Package describing `budgets.csv` (in the same folder)."""
    return {
        "profile": "tabular-data-package",
        "name": f"sizes-{zone.slug}-budgets"[:100],
        "title": f"Budgets pooled in the {zone.name} Social Innovation Zone",
        "description": "What each partner spends on services relevant to the zone, and the "
        "share spent in the zone. Public records only.",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "budgets",
                "path": "budgets.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": name, "type": kind, "description": desc}
                        for name, (kind, desc) in BUDGET_COLUMNS.items()
                    ],
                    "missingValues": [""],
                },
            }
        ],
    }
