"""Hostile input to every pure parser: any input ends in success or the parser's clean error.

Each property calls a parser with generated input (structured near-valid values and raw
bytes/text) and accepts exactly two outcomes: a result, or the documented error type with a
non-empty message. Any other exception, or a call running past `time_limit`, fails the test.
Inputs that once crashed a parser are pinned with `@example`. See docs/reliability.md,
"Hostile input". Parsers that write to the database are in test_hostile_imports.py.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json

import pytest
from django import forms
from hypothesis import example, given
from hypothesis import strategies as st

from sizes.api.conventions import ApiProblem, cursor_decode, cursor_encode, expected_version
from sizes.core.errors import DomainError
from sizes.engagement.forms import _time
from sizes.engagement.markdown import render_comment
from sizes.geo import geometry as g
from sizes.geo.forms import parse_line, split_codes
from sizes.geo.maps import parse_zoom
from sizes.geo.postcodes import PostcodeMalformed, normalise_postcode
from sizes.geo.selectors import _parse_at
from sizes.outcomes.periods import parse_period
from sizes.outcomes.sroi import calculate_from_dict
from sizes.resources import validation as v
from sizes.resources.importer import decode
from sizes.variations.report import report_period_parse
from sizes.zones.forms import GovukDateField
from tests.security._fuzz import (
    awkward_text,
    coordinate,
    fuzz,
    geojson_like,
    nested,
    position,
    time_limit,
)


def clean(fn, *args, errors=(DomainError,), **kwargs):
    """Call `fn`; return its result or the clean error it raised (checked to have a message).
    Any other exception propagates and fails the test; so does a hang."""
    with time_limit():
        try:
            return fn(*args, **kwargs)
        except errors as exc:
            message = getattr(exc, "message", None) or str(exc)
            assert isinstance(message, str) and message.strip(), f"{exc!r} has no message"
            if isinstance(exc, DomainError):
                assert exc.code and 400 <= exc.status < 500
            return exc


# --- GeoJSON ---------------------------------------------------------------------------------


def _check_boundary(result):
    if isinstance(result, DomainError):
        assert result.code in g.CODES, result.code
        return
    # Success means a stored-quality boundary: a valid, non-empty WGS84 MultiPolygon.
    assert result.geom_type == "MultiPolygon" and result.is_valid and not result.is_empty
    minx, miny, maxx, maxy = result.bounds
    assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


@fuzz()
@given(obj=geojson_like, crs=st.one_of(st.none(), st.sampled_from(["EPSG:27700", "3857"])))
@example(
    obj={"type": "Polygon", "coordinates": [[[10**400, 0], [0, 1], [1, 1], [10**400, 0]]]}, crs=None
)  # an integer too big for a float: OverflowError
@example(
    obj={"type": "Polygon", "coordinates": [[[0, 0], [1e6, 0], [1e6, 1e6], [0, 0]]]},
    crs="EPSG:27700",
)
@example(
    obj={"type": "Polygon", "coordinates": [[[9e9, 9e9], [9e9, 1e10], [1e10, 1e10], [9e9, 9e9]]]},
    crs="EPSG:27700",
)  # reprojection gives inf/NaN
@example(
    obj={
        "type": "Polygon",
        "coordinates": [[[-1.93, 52.43], [-1.92, 52.44], [-1.93, 52.44], [-1.92, 52.43]]],
    },
    crs=None,
)
def test_geojson_objects_give_a_boundary_or_a_geometry_error(obj, crs):
    _check_boundary(clean(g.geometry_from_geojson, obj, crs=crs))
    # The same object sent as text (as an upload or a pasted form field) behaves the same way.
    try:
        text = json.dumps(obj)
    except (ValueError, OverflowError):
        return
    _check_boundary(clean(g.geometry_from_geojson, text, crs=crs))


@fuzz()
@given(data=st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
@example(data=nested(100_000))  # RecursionError in the JSON decoder
@example(data=nested(900, "collection"))  # RecursionError walking nested collections
@example(data="1" * 5000)  # ValueError: integer string conversion limit
@example(data=b"\xff\xfe{}")
@example(data='{"type":"Polygon","coordinates":[[[1e999,0],[0,1],[1,1],[1e999,0]]]}')
def test_raw_geojson_text_gives_a_boundary_or_a_geometry_error(data):
    _check_boundary(clean(g.geometry_from_geojson, data))


@fuzz(0.3)
@given(
    rings=st.lists(
        st.lists(position, min_size=3, max_size=40).map(lambda r: r + [r[0]]),
        min_size=1,
        max_size=3,
    )
)
def test_polygons_with_holes_and_bad_corners(rings):
    _check_boundary(clean(g.geometry_from_geojson, {"type": "Polygon", "coordinates": rings}))


def test_vertex_and_size_limits_are_enforced_with_a_clear_message(settings):
    settings.SIZES_MAX_VERTICES = 1000
    ring = [[-1.9 + i * 1e-5, 52.4 + (i % 2) * 1e-5] for i in range(2000)]
    ring.append(ring[0])
    exc = clean(g.geometry_from_geojson, {"type": "Polygon", "coordinates": [ring]})
    assert isinstance(exc, DomainError) and exc.code == "geometry_too_many_vertices"
    settings.SIZES_MAX_UPLOAD_BYTES = 1000
    exc = clean(g.geometry_from_geojson, " " * 1001)
    assert isinstance(exc, DomainError) and exc.code == "geojson_too_large"


@fuzz()
@given(crs=awkward_text)
@example(crs="+proj=geos +h=35785831 +lon_0=0")
@example(crs="EPSG:999999999999999999999")
def test_crs_names_are_recognised_or_refused(crs):
    clean(g.normalise_crs, crs)


@fuzz()
@given(
    lat=st.one_of(coordinate, awkward_text),
    lon=st.one_of(coordinate, awkward_text),
    radius=st.one_of(coordinate, awkward_text),
)
@example(lat="1" * 5000, lon=0, radius=10)
@example(lat=10**400, lon=0, radius=10)
def test_point_and_radius(lat, lon, radius):
    _check_boundary(clean(g.geometry_from_point, lat=lat, lon=lon, radius_m=radius))


@fuzz()
@given(text=awkward_text, width=st.one_of(coordinate, awkward_text))
@example(text="52.43, -1.93\n52.44, -1.92", width="1e400")
@example(text="nan, nan\ninf, 1", width=10)
def test_line_text_and_width(text, width):
    with time_limit():
        try:
            positions = parse_line(text)
        except ValueError as exc:  # the view shows this message beside the field
            assert str(exc)
            return
    _check_boundary(clean(g.geometry_from_line, positions, width_m=width))


@fuzz()
@given(text=awkward_text)
def test_boundary_codes_split_into_areas_and_postcodes(text):
    lsoas, postcodes = split_codes(text)
    assert all(isinstance(c, str) and c.strip() == c and c for c in lsoas + postcodes)


# --- postcodes -------------------------------------------------------------------------------


@fuzz()
@given(
    text=st.one_of(
        awkward_text, st.from_regex(r"\A\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*\Z")
    )
)
def test_postcodes_normalise_or_are_refused(text):
    result = clean(normalise_postcode, text)
    if isinstance(result, DomainError):
        assert isinstance(result, PostcodeMalformed)
        return
    # A normalised postcode is a fixed point and has exactly one space.
    assert normalise_postcode(result) == result and result.count(" ") == 1


# --- dates and periods -----------------------------------------------------------------------


@fuzz()
@given(text=st.one_of(awkward_text, st.from_regex(r"\A(FY ?)?\d{4}([-/]?(Q?\d{1,4}))?\Z")))
@example(text="0000")
@example(text="9999-Q4")
@example(text="FY 9999/0000")
def test_measurement_periods_parse_or_are_refused(text):
    result = clean(parse_period, text)
    if not isinstance(result, DomainError):
        assert result.start <= result.end
        assert parse_period(result.label) == result  # the stored label reads back the same


@fuzz()
@given(text=st.one_of(awkward_text, st.from_regex(r"\A\d{4}[-/]\d{2,4}\Z")))
@example(text="0000-01")
def test_financial_years(text):
    result = clean(v.parse_financial_year, text)
    if not isinstance(result, DomainError):
        assert (
            result[1] - result[0] == dt.date(2001, 3, 31) - dt.date(2000, 4, 1)
            or (result[1] - result[0]).days == 365
        )


@fuzz()
@given(text=st.one_of(awkward_text, st.dates().map(str), st.dates().map(lambda d: f"{d:%d/%m/%Y}")))
def test_csv_dates(text):
    clean(v.parse_date, text, field="period_start", label="the start")


@fuzz()
@given(text=st.one_of(awkward_text, st.dates().map(str)))
@example(text="2026-02-30")
def test_lookup_at_dates(text):
    clean(_parse_at, text)


@fuzz()
@given(
    start=st.one_of(st.none(), awkward_text, st.dates().map(str)),
    end=st.one_of(st.none(), awkward_text, st.dates().map(str)),
)
def test_report_periods(start, end):
    clean(report_period_parse, start=start, end=end, today=dt.date(2026, 6, 1))


@fuzz()
@given(parts=st.lists(st.one_of(awkward_text, st.integers().map(str)), min_size=3, max_size=3))
@example(parts=["²", "1", "2026"])
@example(parts=["1", "1", "١٩٩٩"])
@example(parts=["1", "1", "0000"])
def test_govuk_date_fields(parts):
    field = GovukDateField(noun="Review date")
    clean(field.to_python, parts, errors=(forms.ValidationError,))


@fuzz()
@given(text=st.one_of(awkward_text, st.from_regex(r"\A\d{1,2}([:.]\d{2})?\s*(am|pm)?\Z")))
@example(text="²:00")
def test_meeting_times(text):
    clean(_time, text, "start time", errors=(forms.ValidationError,))


# --- numbers and identifiers in the resources importer ---------------------------------------


@fuzz()
@given(text=st.one_of(awkward_text, st.decimals().map(str), st.floats().map(str)))
@example(text="1E+999999999")
@example(text="-1E+999999999")
@example(text="1E-999999999")
@example(text="9" * 5000)
def test_amounts_and_percentages(text):
    clean(v.check_amount, text)
    clean(v.check_amount, text, allow_zero=True)
    clean(v.check_percent, text)


@fuzz()
@given(text=st.one_of(awkward_text, st.from_regex(r"\AGB-[A-Z]{2,3}-[A-Z0-9]{1,9}\Z")))
def test_org_ids_and_contact_routes(text):
    clean(v.parse_org_id, text)
    clean(v.check_contact_route, text)
    clean(v.check_currency, text)


@fuzz()
@given(
    data=st.one_of(st.binary(max_size=500), st.text(max_size=200).map(lambda t: t.encode("utf-16")))
)
@example(data=b"\xef\xbb\xbfservice\n")
@example(data="café".encode("latin-1"))
def test_csv_encodings_are_named_or_decoded(data):
    clean(decode, data)


# --- API parameters --------------------------------------------------------------------------


@fuzz()
@given(text=st.one_of(st.none(), awkward_text, st.integers().map(str)))
@example(text="²")  # str.isdigit() is true, int() refuses it
@example(text="9" * 5000)
def test_map_zoom(text):
    clean(parse_zoom, text)


@fuzz()
@given(text=st.one_of(st.none(), awkward_text, st.integers().map(lambda i: f'W/"{i}"')))
@example(text='"²"')
@example(text="³³")
def test_if_match_versions(text):
    clean(expected_version, text, required=False, errors=(ApiProblem,))


@fuzz()
@given(text=st.one_of(st.none(), awkward_text, st.integers(min_value=0).map(cursor_encode)))
@example(text=cursor_encode(0) + "x")
def test_api_cursors(text):
    result = clean(cursor_decode, text, errors=(ApiProblem,))
    assert result is None or isinstance(result, int | ApiProblem)


# --- Markdown --------------------------------------------------------------------------------

XSS_MARKDOWN = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '[x](https://example.org "title\\" onmouseover=alert(1)")',
    "<svg onload=alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "[a]: javascript:alert(1)\n\n[b][a]",
    "<a href='javascript:alert(1)'>x</a>",
    "> <iframe src=//evil.example></iframe>",
]
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a"}


class _Elements(html.parser.HTMLParser):
    """Every element and attribute in rendered HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(markup: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


def assert_harmless_comment_html(markup: str) -> None:
    for tag, attrs in elements(markup):
        assert tag in ALLOWED_TAGS, f"injected <{tag}> in {markup!r}"
        for name, value in attrs.items():
            # title is a Markdown link title: plain text in an escaped attribute value.
            allowed = {"href", "rel", "class", "start", "title"}
            assert name in allowed, f"injected {name}= in {markup!r}"
            if name == "href":
                assert (
                    (value or "").strip().lower().startswith(("http://", "https://", "mailto:"))
                ), f"unsafe link {value!r}"
            if name == "class":
                assert (value or "").startswith("language-")


markdown_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.one_of(
            st.sampled_from(XSS_MARKDOWN),
            st.sampled_from(
                ["*", "_", "`", "[", "]", "(", ")", "<", ">", "\n", "\n\n", "> ", "- "]
            ),
            st.text(max_size=10),
        ),
        max_size=20,
    ).map("".join),
)


@fuzz()
@given(body=markdown_text, fmt=st.sampled_from(["markdown", "text", "html", ""]))
@example(body="*" * 50_000 + "a", fmt="markdown")  # took 1.5 s: now over the Markdown limit
@example(body="[" * 2_500 + "](" * 1_250, fmt="markdown")  # comments are at most 5,000 chars
@example(body="> " * 2_500 + "deep", fmt="markdown")
def test_comments_render_to_harmless_html(body, fmt):
    with time_limit():
        markup = str(render_comment(body, fmt))
    assert_harmless_comment_html(markup)


@pytest.mark.parametrize("payload", XSS_MARKDOWN)
@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_known_xss_payloads_render_as_text(payload, fmt):
    markup = str(render_comment(payload, fmt))
    assert_harmless_comment_html(markup)
    assert "<script" not in markup.lower() and "onerror=" not in markup.split("&")[0]


# --- SROI input (the page, the endpoint and `sizes sroi` share this) ---------------------------

sroi_number = st.one_of(
    st.integers(min_value=-5, max_value=10**6),
    st.floats(min_value=0, max_value=1e6),
    coordinate,
    awkward_text,
    st.sampled_from(["1e999999", "1E+425000000", "9" * 200, 10**300, 1e308, "0.000000001"]),
)
sroi_outcome = st.fixed_dictionaries(
    {},
    optional={
        "name": awkward_text,
        "stakeholder": awkward_text,
        "quantity": sroi_number,
        "proxy": st.one_of(
            st.fixed_dictionaries(
                {"value": sroi_number},
                optional={"unit": awkward_text, "year": sroi_number, "source": awkward_text},
            ),
            sroi_number,
        ),
        "duration_years": sroi_number,
        "deadweight_pct": sroi_number,
        "displacement_pct": sroi_number,
        "attribution_pct": sroi_number,
        "drop_off_pct": sroi_number,
    },
)
sroi_input = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "title": awkward_text,
            "discount_rate_pct": sroi_number,
            "price_year": sroi_number,
            "deflators": st.one_of(
                st.dictionaries(
                    st.one_of(st.integers(1900, 2100).map(str), awkward_text),
                    sroi_number,
                    max_size=4,
                ),
                sroi_number,
            ),
            "first_year_discounted": st.one_of(st.booleans(), sroi_number),
            "investments": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "partner": awkward_text,
                            "money": sroi_number,
                            "in_kind": sroi_number,
                            "in_kind_description": awkward_text,
                        },
                    ),
                    max_size=3,
                ),
                sroi_number,
            ),
            "outcomes": st.one_of(st.lists(sroi_outcome, max_size=3), sroi_number),
        },
    ),
    geojson_like,
)
GOOD_SROI = {
    "investments": [{"partner": "Council", "money": 1000}],
    "outcomes": [
        {
            "name": "Fewer falls",
            "stakeholder": "Older residents",
            "quantity": 10,
            "proxy": {"value": 500},
            "duration_years": 3,
            "deadweight_pct": 10,
            "attribution_pct": 20,
            "drop_off_pct": 10,
        }
    ],
}


@fuzz()
@given(payload=sroi_input)
@example(payload=GOOD_SROI)
@example(payload={**GOOD_SROI, "investments": [{"partner": "C", "money": "1E+425000000"}]})
@example(
    payload={
        **GOOD_SROI,
        "outcomes": [
            {**GOOD_SROI["outcomes"][0], "quantity": "1e999999", "proxy": {"value": "1e999999"}}
        ],
    }
)
@example(payload={**GOOD_SROI, "investments": [{"partner": "C", "money": "1e-999999"}]})
@example(
    payload={
        **GOOD_SROI,
        "price_year": 2024,
        "deflators": {"2019": "0.000001", "2024": "1e12"},
        "outcomes": [{**GOOD_SROI["outcomes"][0], "proxy": {"value": "1e12", "year": 2019}}],
    }
)
def test_sroi_inputs_are_calculated_or_refused(payload):
    result = clean(calculate_from_dict, payload)
    if not isinstance(result, DomainError):
        json.dumps(result, allow_nan=False)  # the endpoint's answer is valid JSON
