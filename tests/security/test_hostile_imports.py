"""Hostile files for every importer that writes: all or nothing, and never a crash.

Each property writes a generated file (near-valid CSV or GeoJSON, or raw bytes) and runs the
real importer on the real database. Accepted outcomes: success, with exactly the reported
rows stored; or the importer's clean error (ImportFailed, DomainError, a problem list), with
the table exactly as it was. See docs/reliability.md, "Hostile input".
"""

from __future__ import annotations

import codecs
import csv
import io
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sizes.core.errors import DomainError
from sizes.geo.importers import ImportFailed, import_boundaries, import_postcodes
from sizes.geo.models import Postcode, ReferenceArea
from sizes.outcomes.management.commands.import_indicators import read_rows
from sizes.outcomes.models import FinancialProxy, Measurement
from sizes.outcomes.proxies import read_proxy_csv
from sizes.outcomes.services import financial_proxies_import, measurements_import
from sizes.resources import importer
from sizes.resources.models import Asset, Budget
from sizes.zones.models import ZoneStatus
from tests.security._fuzz import awkward_text, fuzz, geojson_like, nested, time_limit

pytestmark = pytest.mark.django_db

# --- CSV files -------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw, columns: list[str], cells: st.SearchStrategy) -> bytes:
    """A CSV file near the expected shape: the right columns (some missing, some extra, in any
    order, any case), rows of plausible and hostile cells (too few, too many), written with
    quoting or naively, in one of several encodings, sometimes with bytes spliced in."""
    header = draw(
        st.one_of(
            st.permutations(columns),
            st.lists(st.one_of(st.sampled_from(columns), awkward_text), max_size=len(columns) + 2),
        )
    )
    header = [h.upper() if draw(st.booleans()) and h.isascii() else h for h in header]
    rows = draw(
        st.lists(
            st.lists(cells, min_size=max(0, len(header) - 1), max_size=len(header) + 1),
            max_size=8,
        )
    )
    out = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
        writer.writerow(header)
        writer.writerows(rows)
        text = out.getvalue()
    else:  # naive joining: stray quotes and commas break the structure
        text = "\n".join(",".join(r) for r in [header, *rows])
    data = _encode(text, draw(st.sampled_from(ENCODINGS)))
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    if draw(st.integers(0, 9)) == 0:
        data = data + b"a" * 200_000  # one very long field at the end
    return data


raw_files = st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(str.encode))


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- postcodes -------------------------------------------------------------------------------

postcode_cell = st.one_of(
    awkward_text,
    st.from_regex(r"\A[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\Z"),
    st.floats(min_value=-2.5, max_value=53).map(str),
    st.integers(min_value=0, max_value=900_000).map(str),
    st.sampled_from(["99.999999", "", "E05011111", "E01009380"]),
)


@fuzz(0.5)
@given(
    data=st.one_of(
        csv_files(["postcode", "latitude", "longitude", "ward_code", "lsoa_code"], postcode_cell),
        csv_files(["pcds", "oseast1m", "osnrth1m", "osward"], postcode_cell),
        raw_files,
    )
)
@example(data=b"postcode,latitude,longitude\nB30 2AA,52.43,-1.93\n\xff\xfe\n")  # bad UTF-8, row 3
@example(data=b"postcode,latitude,longitude\nB30 2AA,52.43,-1.93\n" + b'"' + b"a" * 200_000)
@example(data=b"postcode,latitude,longitude\nB30\x002AA,52.43,-1.93\n")
@example(data=codecs.BOM_UTF8 + b"Postcode,Lat,Long\r\nb302aa,52.43,-1.93\r\n")
def test_postcode_files_import_whole_or_not_at_all(tmp_path, data):
    path = _write(tmp_path, "postcodes.csv", data)
    before = set(Postcode.objects.values_list("postcode", "lat", "lon"))
    with time_limit():
        try:
            report = import_postcodes(path)
        except ImportFailed as exc:
            assert exc.message
            assert set(Postcode.objects.values_list("postcode", "lat", "lon")) == before
            return
    after = set(Postcode.objects.values_list("postcode", "lat", "lon"))
    assert len({p for p, _, _ in after}) == len({p for p, _, _ in before}) + report.created
    assert report.stored > 0


# --- boundaries ------------------------------------------------------------------------------


def _feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


square = [[-1.93, 52.43], [-1.92, 52.43], [-1.92, 52.44], [-1.93, 52.44], [-1.93, 52.43]]
boundary_files = st.one_of(
    raw_files,
    st.builds(
        lambda features: json.dumps({"type": "FeatureCollection", "features": features}).encode(),
        st.lists(
            st.one_of(
                st.builds(
                    _feature,
                    st.fixed_dictionaries(
                        {}, optional={"code": awkward_text, "name": awkward_text}
                    ),
                    st.one_of(st.just({"type": "Polygon", "coordinates": [square]}), geojson_like),
                ),
                geojson_like,
            ),
            max_size=5,
        ),
    ),
    geojson_like.map(lambda obj: json.dumps(obj).encode()),
)


@fuzz(0.5)
@given(data=boundary_files)
@example(data=nested(100_000).encode())  # RecursionError in the JSON decoder
@example(data=b"1" * 5000)
@example(
    data=(
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"code":"E05000001","name":"A"},"geometry":'
        + nested(400, "collection")
        + "}]}"
    ).encode()
)  # RecursionError walking GeometryCollections nested 400 deep
def test_boundary_files_import_whole_or_not_at_all(tmp_path, data):
    path = _write(tmp_path, "areas.geojson", data)
    before = set(ReferenceArea.objects.values_list("code", "name", "area_m2"))
    with time_limit():
        try:
            report = import_boundaries(path, area_type="ward", code_field="code", name_field="name")
        except ImportFailed as exc:
            assert exc.message
            assert set(ReferenceArea.objects.values_list("code", "name", "area_m2")) == before
            return
    assert report.stored > 0
    assert ReferenceArea.objects.filter(type="ward").count() == report.stored


# --- budgets and assets (the upload page and `sizes import-budgets`/`import-assets`) ---------


@pytest.fixture
def zone(ready_zone):
    ready_zone.status = ZoneStatus.DECLARED
    ready_zone.save(update_fields=["status"])
    return ready_zone


budget_cell = st.one_of(
    awkward_text,
    st.sampled_from(
        ["Parks", "2025-26", "120000", "GBP", "12.5", "new", "public", "redirected", "in kind",
         "2025-04-01", "01/04/2025", "£1,000", "1E+999999999", "0.001", "-5", "partners"]
    ),
)  # fmt: skip
asset_cell = st.one_of(
    awkward_text,
    st.sampled_from(["Hall", "building", "A hall", "52.43", "-1.93", "07700 900123", "public"]),
    geojson_like.map(json.dumps),
)


@fuzz(0.5)
@given(
    kind_and_data=st.one_of(
        st.tuples(
            st.just("budgets"),
            st.one_of(
                csv_files(
                    ["service", "amount", "currency", "share_basis", "kind", "financial_year",
                     "zone_share_percent", "zone_share_amount", "visibility"],
                    budget_cell,
                ),
                raw_files,
            ),
        ),
        st.tuples(
            st.just("assets"),
            st.one_of(
                csv_files(
                    ["kind", "name", "description", "lat", "lon", "area_geojson",
                     "contact_route", "visibility"],
                    asset_cell,
                ),
                raw_files,
            ),
        ),
    )
)  # fmt: skip
@example(
    kind_and_data=(
        "budgets",
        b"service,amount,currency,share_basis,kind,financial_year,zone_share_percent\n"
        b"Parks,1E+999999999,GBP,x,new,2025-26,10\n",
    )
)
@example(kind_and_data=("assets", b"kind,name,description,area_geojson\nother,a,b," +
                        b'"' + nested(5000).encode() + b'"\n'))  # fmt: skip
def test_budget_and_asset_files_import_whole_or_not_at_all(
    zone, council, council_signer, kind_and_data
):
    kind, data = kind_and_data
    before = Budget.objects.count() + Asset.objects.count()
    with time_limit():
        result = importer.preview(kind=kind, data=data, zone=zone, organisation=council)
        assert result.file_problem or result.problems or result.rows or not data.strip()
        try:
            count = importer.commit(
                actor=council_signer, kind=kind, data=data, zone=zone, organisation=council
            )
        except DomainError as exc:
            assert exc.message and not result.ok
            assert Budget.objects.count() + Asset.objects.count() == before
            return
    assert result.ok and count == len(result.rows)
    assert Budget.objects.count() + Asset.objects.count() == before + count


# --- indicator values (`sizes import-indicators`) ---------------------------------------------


@pytest.fixture
def indicator(steward):
    from sizes.outcomes.tests.helpers import declared_zone, indicator, make_area

    zone = declared_zone(steward)
    make_area("E01000001", 0, 0, 500, 1000)
    make_area("E01000002", 500, 0, 1500, 1000)
    return indicator(steward, zone)


indicator_cell = st.one_of(
    awkward_text,
    st.sampled_from(["E01000001", "e01000002", "E01999999", "2023", "2023-Q1", "FY 2023/24",
                     "12.5", "%", "1e13", "NaN", "0000", "people"]),
)  # fmt: skip


@fuzz(0.5)
@given(
    data=st.one_of(csv_files(["area_code", "period", "value", "unit"], indicator_cell), raw_files)
)
@example(data=b"area_code,period,value\nE01000001,0000,1\n")  # year 0 was a ValueError
@example(data=b"area_code,period,value\nE01000001,2023,1E+999999999\n")
def test_indicator_files_import_whole_or_not_at_all(tmp_path, steward, indicator, data):
    path = _write(tmp_path, "values.csv", data)
    before = set(Measurement.objects.values_list("area_code", "period", "value"))
    with time_limit():
        try:
            rows = read_rows(str(path))
            report = measurements_import(actor=steward, indicator=indicator, rows=rows)
        except DomainError as exc:
            assert exc.message
            assert set(Measurement.objects.values_list("area_code", "period", "value")) == before
            return
    assert report.areas == len(rows) > 0


# --- financial proxies ------------------------------------------------------------------------

proxy_cell = st.one_of(
    awkward_text,
    st.sampled_from(["Fewer falls", "per person", "1200", "2023", "wellbeing", "fiscal",
                     "ONS", "OGL v3", "HACT Social Value Bank", "1E+999999999", "99999999999",
                     "javascript:alert(1)", "https://example.org/x", "GBP"]),
)  # fmt: skip


@fuzz(0.5)
@given(
    data=csv_files(
        ["outcome", "unit", "value", "price_year", "value_type", "source", "licence",
         "source_url", "currency"],
        proxy_cell,
    )
)  # fmt: skip
@example(
    data=b"outcome,unit,value,price_year,value_type,source,licence\na,b,1,\xb2023,fiscal,c,d\n"
)
def test_financial_proxy_files_import_whole_or_not_at_all(site_admin, data):
    before = FinancialProxy.objects.count()
    with time_limit():
        try:
            rows = read_proxy_csv(data)  # `sizes import-proxies` and the admin upload
            count = financial_proxies_import(actor=site_admin, rows=rows)
        except DomainError as exc:
            assert exc.message
            assert FinancialProxy.objects.count() == before
            return
    assert FinancialProxy.objects.count() == before + count
