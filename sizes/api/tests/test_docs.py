"""Every curl example in docs/api.md runs, in order, against a register built through the
services, so the guide cannot rot. Each `curl` is translated into a Django test-client call
(no network or curl binary needed); a `# answers NNN` line gives the expected status, else any
2xx will do. Placeholders in the guide (variation 42, outcome 7, budget 17, indicator 5, plan
31, pledge 23, the tokens, the ETag) are replaced by the real values of this register. A file
sent with `-F field=@name` is a small PDF when its name ends .pdf, else a few bytes of
something that is not one."""

import datetime as dt
import re
import shlex
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sizes.api.services import token_create
from sizes.outcomes.tests.helpers import indicator
from sizes.variations.tests.builders import build_world
from tests.factories import MembershipFactory, OrganisationFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
BASE = "https://sizes.example.org"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def examples() -> list[tuple[str, int | None]]:
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.S)
    out = []
    for block in blocks:
        expected = re.search(r"^# answers (\d{3})", block, flags=re.M)
        command = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        out.append((command.replace("\\\n", " "), int(expected.group(1)) if expected else None))
    return out


def parse_curl(command: str) -> dict:
    """The parts of a curl command line the guide uses: -X, -H, -d, -i, -s, -o, the URL."""
    args = shlex.split(command)
    assert args[0] == "curl", command
    request = {"method": None, "headers": {}, "data": None, "url": None, "files": {}}
    i = 1
    while i < len(args):
        arg = args[i]
        if arg in ("-s", "-i"):
            pass
        elif arg == "-o":
            i += 1
        elif arg == "-X":
            request["method"] = args[i + 1]
            i += 1
        elif arg == "-H":
            name, _, value = args[i + 1].partition(":")
            request["headers"][name.strip()] = value.strip()
            i += 1
        elif arg == "-d":
            request["data"] = args[i + 1]
            i += 1
        elif arg == "-F":
            # -F "field=@file.pdf;type=application/pdf": a file, sent as multipart/form-data.
            field, _, spec = args[i + 1].partition("=")
            assert spec.startswith("@"), f"-F sends files only here: {command}"
            name, _, params = spec[1:].partition(";")
            ctype = params.removeprefix("type=") or "application/octet-stream"
            content = PDF if name.endswith(".pdf") else b"PK\x03\x04 not a PDF"
            request["files"][field] = SimpleUploadedFile(name, content, content_type=ctype)
            i += 1
        elif arg.startswith(BASE):
            request["url"] = arg[len(BASE) :]
        else:
            raise AssertionError(f"The docs test does not understand {arg!r} in: {command}")
        i += 1
    request["method"] = request["method"] or (
        "POST" if request["data"] or request["files"] else "GET"
    )
    return request


def call(client, request):
    headers = {}
    for name, value in request["headers"].items():
        if name.lower() == "content-type":
            continue
        headers["HTTP_" + name.upper().replace("-", "_")] = value
    content_type = request["headers"].get("Content-Type", "application/octet-stream")
    method = getattr(client, request["method"].lower())
    if request["files"]:
        assert request["method"] == "POST", "the test client sends multipart with POST only"
        return client.post(request["url"], request["files"], **headers)
    if request["data"] is not None:
        return method(request["url"], request["data"], content_type=content_type, **headers)
    return method(request["url"], **headers)


def test_guide_lists_examples():
    found = examples()
    assert len(found) >= 15
    assert any(status == 409 for _, status in found)


@pytest.mark.django_db
def test_every_curl_example_in_the_guide_works(client, uploads):
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        world = build_world(name="Stirchley and Cotteridge health and well-being")
        assert world.zone.slug == "stirchley-and-cotteridge-health-and-well-being"
        world.council.slug = "birmingham-city-council"
        world.council.save()
        _, secret = token_create(
            actor=world.council_signer, name="Docs", organisations=[world.council]
        )
        _, steward_secret = token_create(
            actor=world.steward, name="Evidence", organisations=[], stewardship=True
        )
        fund = OrganisationFactory(
            name="Stirchley Community Fund", slug="stirchley-community-fund", kind="funder"
        )
        MembershipFactory(organisation=fund, user=world.council_signer)
        _, funder_secret = token_create(
            actor=world.council_signer, name="Grants", organisations=[fund]
        )
        outcome = world.zone.outcomes.get()
        ind = indicator(world.steward, world.zone, outcome=outcome)
        variation_id = world.active.pk
        budget_id = plan_id = pledge_id = 0
        etag = client.get(f"/api/v1/zones/{world.zone.slug}")["ETag"]
        for command, expected in examples():
            command = (
                command.replace("sizes_YOUR_STEWARD_TOKEN", steward_secret)
                .replace("sizes_YOUR_FUNDER_TOKEN", funder_secret)
                .replace("/plans/31/", f"/plans/{plan_id}/")
                .replace("/pledges/23/", f"/pledges/{pledge_id}/")
                .replace("sizes_YOUR_TOKEN", secret)
                .replace("/indicators/5/", f"/indicators/{ind.pk}/")
                .replace("/budgets/17", f"/budgets/{budget_id}")
                .replace("/variations/42", f"/variations/{variation_id}")
                .replace('"outcomes": [7]', f'"outcomes": [{outcome.pk}]')
                .replace('"ETAG-FROM-THE-LAST-ANSWER"', etag)
            )
            response = call(client, parse_curl(command))
            if expected:
                assert response.status_code == expected, (command, response.content[:500])
            else:
                assert 200 <= response.status_code < 300, (command, response.content[:500])
            if response.status_code == 201 and response.has_header("Location"):
                # Later examples act on the variation or budget the guide just made.
                kind, _, pk = response["Location"].removeprefix("/api/v1/").partition("/")
                if kind == "variations":
                    variation_id = int(pk)
                elif kind == "budgets":
                    budget_id = int(pk)
                elif kind == "plans":
                    plan_id = int(pk)
                elif kind == "pledges":
                    pledge_id = int(pk)
        assert timezone.now().date() == dt.date(2026, 11, 20)
