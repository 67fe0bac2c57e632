"""Set up the soak run's fixtures in the database `DATABASE_URL` names (run by soak/run.py after
`manage.py demo --no-serve`): an API token for the council's officer, and the addresses the load
generator reads. Prints them as JSON on stdout."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")

import django  # noqa: E402

django.setup()

from sizes.accounts.models import User  # noqa: E402
from sizes.api.services import token_create  # noqa: E402
from sizes.geo.models import Postcode  # noqa: E402
from sizes.partners.models import Organisation  # noqa: E402
from sizes.variations.models import Variation  # noqa: E402
from sizes.zones.models import Zone  # noqa: E402


def main() -> None:
    officer = User.objects.get(username="council.officer")
    council = Organisation.objects.get(slug="birmingham-city-council")
    zones = list(Zone.objects.public().order_by("pk"))
    # The zone the writes go to: one the council is a partner of, with outcomes to cite.
    zone = next(
        z for z in zones if z.partnerships.filter(organisation=council).exists()
        and z.outcomes.exists()
    )  # fmt: skip
    _, secret = token_create(actor=officer, name="soak test", organisations=[council])
    variations = list(
        Variation.objects.filter(zone__in=zones).order_by("pk").values_list("pk", flat=True)
    )
    postcodes = list(Postcode.objects.order_by("pk").values_list("postcode", flat=True)[:200])
    print(
        json.dumps(
            {
                "token": secret,
                "write_zone": zone.slug,
                "write_owner": council.slug,
                "write_outcomes": [zone.outcomes.order_by("pk").values_list("pk", flat=True)[0]],
                "zones": [z.slug for z in zones],
                "variations": variations,
                "postcodes": postcodes,
            }
        )
    )


if __name__ == "__main__":
    main()
