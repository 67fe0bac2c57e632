"""Build pooled records through the services, with sensible defaults."""

import datetime as dt

from sizes.resources import services


def budget(actor, zone, org, **kw):
    fields = {
        "service": "Parks maintenance",
        "financial_year": "2025-26",
        "amount": "100000",
        "currency": "GBP",
        "zone_share_percent": "10",
        "share_basis": "Share of park area in the zone.",
        "kind": "redirected",
        "visibility": "public",
    } | kw
    return services.budget_create(actor=actor, zone=zone, organisation=org, **fields)


def asset(actor, zone, org, **kw):
    fields = {
        "kind": "park",
        "name": "Test Park",
        "description": "A park with a pavilion.",
        "lat": "52.4193",
        "lon": "-1.9278",
        "contact_route": "Use the parks contact form on the council website.",
        "visibility": "public",
    } | kw
    return services.asset_create(actor=actor, zone=zone, organisation=org, **fields)


def objective(actor, zone, org, **kw):
    fields = {"title": "More people walking", "summary": "Walks every week."} | kw
    return services.objective_create(actor=actor, zone=zone, organisation=org, **fields)


def plan(actor, zone, org, **kw):
    fields = {
        "title": "Park plan",
        "summary": "What we will do in the park.",
        "start_date": dt.date(2025, 4, 1),
        "end_date": dt.date(2026, 3, 31),
        "link": "https://example.org/plan",
    } | kw
    return services.plan_create(actor=actor, zone=zone, organisation=org, **fields)


def pledge(actor, zone, org, **kw):
    fields = {
        "kind": "money",
        "title": "Active parks fund",
        "amount": "15000",
        "currency": "GBP",
        "conditions": "Spent on free activities.",
    } | kw
    return services.pledge_create(actor=actor, zone=zone, organisation=org, **fields)
