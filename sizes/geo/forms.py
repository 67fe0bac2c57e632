"""The boundary form: parse what a steward typed or uploaded, per method, into the arguments of
`sizes.geo.services.zone_set_boundary`. Only the shape of the input is checked here (a number
is a number, a method is chosen); whether the geometry is usable is the service's business.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings

from sizes.geo.models import AreaType, ReferenceArea
from sizes.zones.forms import text_field, textarea

METHODS = [
    ("areas", "Choose wards, LSOAs or postcodes"),
    ("upload", "Upload a GeoJSON file"),
    ("point", "A point and a radius"),
    ("line", "A line and a width (for example, a high street)"),
    ("drawn", "Draw it on a map, or paste GeoJSON"),
]
METHOD_HINTS = {
    "areas": "The boundary is the area the chosen wards and areas cover together.",
    "upload": "A Feature, FeatureCollection, Polygon or MultiPolygon.",
    "point": "A circle: one building, a block, a street corner.",
    "line": "A band along a line of points.",
    "drawn": "The map needs JavaScript. Without it, paste GeoJSON into the box.",
}
CRS_CHOICES = [
    ("EPSG:4326", "Longitude and latitude (WGS84, EPSG:4326)"),
    ("EPSG:27700", "British National Grid eastings and northings (EPSG:27700)"),
]
# A GSS code: a letter for the nation, two digits for the kind of area, six more digits.
GSS_CODE = re.compile(r"^[EWSN]\d{8}$", re.IGNORECASE)


def ward_choices() -> list[tuple[str, str]]:
    """Wards of the latest imported vintage, by name: (code, "Name")."""
    wards = ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD).values_list(
        "code", "name"
    )
    return sorted(wards, key=lambda w: (w[1].lower(), w[0]))


def split_codes(text: str) -> tuple[list[str], list[str]]:
    """Comma- or line-separated codes as (LSOA codes, postcodes), each upper-cased.

    A GSS code (E01012345) is an area; anything else is taken for a postcode, which may
    contain a space ("B30 2AA"), so only commas, semicolons and new lines separate items.
    """
    lsoas, postcodes = [], []
    for raw in re.split(r"[,;\n]+", text or ""):
        item = " ".join(raw.split()).upper()
        if not item:
            continue
        (lsoas if GSS_CODE.match(item) else postcodes).append(item)
    return lsoas, postcodes


class BoundaryForm(forms.Form):
    method = forms.ChoiceField(
        label="How do you want to give the boundary?",
        choices=METHODS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how to give the boundary.",
            "invalid_choice": "Choose how to give the boundary.",
        },
    )
    wards = forms.MultipleChoiceField(
        label="Wards",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose wards from the list."},
    )
    codes = textarea(
        "LSOA codes or postcodes (optional)",
        help_text="Separate them with commas, for example: E01009380, B30 2AA. "
        "Each postcode adds a small circle around its centre.",
        max_length=20_000,
    )
    file = forms.FileField(
        label="GeoJSON file",
        required=False,
        help_text="A .geojson or .json file.",
    )
    crs = forms.ChoiceField(
        label="The file's coordinates are in",
        choices=CRS_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial="EPSG:4326",
        error_messages={"invalid_choice": "Choose WGS84 or British National Grid."},
    )
    lat = text_field("Latitude", help_text="For example, 52.4296", max_length=40)
    lon = text_field("Longitude", help_text="For example, -1.9265", max_length=40)
    radius_m = text_field("Radius in metres", help_text="For example, 150", max_length=20)
    line = textarea(
        "Points along the line",
        help_text="One “latitude, longitude” pair on each line, in order along the line, "
        "for example: 52.4310, -1.9262",
        max_length=200_000,
    )
    width_m = text_field(
        "Width in metres", help_text="The whole width, half each side of the line.", max_length=20
    )
    drawn = textarea(
        "The boundary as GeoJSON",
        help_text="Drawing on the map fills this in. You can also paste a GeoJSON Polygon, "
        "MultiPolygon, Feature or FeatureCollection.",
        max_length=None,
    )
    fringe_m = text_field(
        "Fringe width in metres",
        help_text="The band around the zone where neighbours still take part. 0 for none.",
        max_length=20,
    )

    def __init__(self, *args, **kwargs):
        if kwargs.get("initial") is None:
            default_fringe = getattr(settings, "SIZES_DEFAULT_FRINGE_M", 250)
            kwargs["initial"] = {"fringe_m": str(default_fringe), "crs": "EPSG:4326"}
        super().__init__(*args, **kwargs)
        self.fields["wards"].choices = ward_choices()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        limit = int(getattr(settings, "SIZES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the largest accepted is "
                f"{limit / 1_048_576:.1f} MB. Simplify the boundary and try again.",
                code="geojson_too_large",
            )
        return upload

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == "areas" and not data.get("wards") and not data.get("codes"):
            self.add_error("wards", "Choose at least one ward, or enter LSOA codes or postcodes.")
        elif method == "upload" and not data.get("file"):
            if "file" not in self.errors:
                self.add_error("file", "Choose a GeoJSON file to upload.")
        elif method == "point":
            for name, message in (
                ("lat", "Enter the latitude."),
                ("lon", "Enter the longitude."),
                ("radius_m", "Enter the radius in metres."),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        elif method == "line":
            if not data.get("line"):
                self.add_error("line", "Enter at least two points along the line.")
            if not data.get("width_m"):
                self.add_error("width_m", "Enter the width in metres.")
        elif method == "drawn" and not data.get("drawn"):
            self.add_error("drawn", "Draw the boundary on the map, or paste GeoJSON.")
        return data


def parse_line(text: str) -> list[list[float]]:
    """ "lat, lon" lines as GeoJSON [lon, lat] positions; ValueError names the bad line."""
    positions = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[,\s]+", line) if p]
        try:
            if len(parts) != 2:
                raise ValueError
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(
                f"Line {number} (“{line[:40]}”) is not a “latitude, longitude” pair, "
                "like 52.4310, -1.9262."
            ) from None
        positions.append([lon, lat])
    return positions
