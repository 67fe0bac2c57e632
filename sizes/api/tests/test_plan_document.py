"""A plan's PDF through the API: POST /plans/{id}/document, multipart/form-data. The same
service rules as the web form (a PDF by its first bytes, up to the size limit), the same
permission check, If-Match versioning, audited; every refusal is a specific problem+json and
keeps nothing, neither a row nor a file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from sizes.audit.models import AuditEvent
from sizes.resources.models import Plan
from sizes.resources.tests.builders import plan

from .conftest import bearer
from .test_writes import problem

API = "/api/v1"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, url, token=None, *, content=PDF, name="plan.pdf", if_match='"1"', **extra):
    headers = bearer(token) if token else {}
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    data = {"document": SimpleUploadedFile(name, content, content_type="application/pdf")}
    return client.post(url, data, **headers, **extra)


def _state(folder):
    files = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "version", "document_name")),
        AuditEvent.objects.exclude(action__endswith=".refused").count(),
        files,
    )


@pytest.fixture
def council_plan(world, uploads):
    return plan(world.council_signer, world.zone, world.council)


def test_upload_then_replace(client, world, council_token, council_plan, uploads):
    url = f"{API}/plans/{council_plan.pk}/document"
    response = upload(client, url, council_token, name="Park plan 2026.pdf")
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"' and response.json()["version"] == 2
    document = response.json()["document"]
    assert document == f"/zones/{world.zone.slug}/plans/{council_plan.pk}/document.pdf"
    council_plan.refresh_from_db()
    assert council_plan.document_original_name == "Park plan 2026.pdf"
    assert council_plan.document_size == len(PDF)
    assert (uploads / council_plan.document_name).read_bytes() == PDF
    # The details are kept; the download is the uploaded file, as an attachment.
    assert council_plan.title == "Park plan" and council_plan.link == "https://example.org/plan"
    got = client.get(document)
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content) == PDF
    event = AuditEvent.objects.get(
        action="plan.updated", object_id=str(council_plan.pk), actor=world.council_signer
    )
    assert "document_name" in event.changes
    # Replace it: a new version, a new file.
    again = upload(client, url, council_token, content=PDF + b"% v2\n", if_match='"2"')
    assert again.status_code == 200, again.content
    council_plan.refresh_from_db()
    assert council_plan.version == 3
    assert (uploads / council_plan.document_name).read_bytes().endswith(b"% v2\n")


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (b"GIF89a not a pdf", "plan.pdf", 400, "document_not_pdf"),
        (b"<html><script>alert(1)</script></html>", "plan.pdf", 400, "document_not_pdf"),
        (b"", "plan.pdf", 400, "document_empty"),
        (b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "big.pdf", 413, "document_too_large"),
    ],
    ids=["gif", "html", "empty", "too-large"],
)
def test_bad_files_keep_nothing(client, world, council_token, council_plan, uploads, settings,
                                content, name, status, code):  # fmt: skip
    settings.SIZES_MAX_PDF_BYTES = 1024 * 1024
    before = _state(uploads)
    body = problem(upload(client, f"{API}/plans/{council_plan.pk}/document", council_token,
                          content=content, name=name), status, code)  # fmt: skip
    assert [e["field"] for e in body["errors"]] == ["document"]
    assert _state(uploads) == before


def test_wrong_requests_keep_nothing(client, world, council_token, council_plan, uploads, settings):
    url = f"{API}/plans/{council_plan.pk}/document"
    auth = bearer(council_token) | {"HTTP_IF_MATCH": '"1"'}
    before = _state(uploads)
    # Not multipart: the raw PDF, or JSON.
    problem(client.post(url, PDF, content_type="application/pdf", **auth), 415,
            "media_type_unsupported")  # fmt: skip
    problem(client.post(url, '{"document": "x"}', content_type="application/json", **auth), 415,
            "media_type_unsupported")  # fmt: skip
    # Multipart, but no file in `document`; or a body Django cannot parse.
    body = problem(client.post(url, {"other": SimpleUploadedFile("a.pdf", PDF)}, **auth), 422,
                   "body_invalid")  # fmt: skip
    assert [e["field"] for e in body["errors"]] == ["document"]
    problem(client.post(url, b"--nope\r\n", content_type="multipart/form-data", **auth), 400,
            "multipart_invalid")  # fmt: skip
    # A request larger than any upload we read is refused before it is read.
    settings.SIZES_MAX_UPLOAD_BYTES = 1000
    problem(upload(client, url, council_token, content=PDF + b"x" * 2000), 413,
            "request_too_large")  # fmt: skip
    assert _state(uploads) == before


def test_if_match_is_required_and_checked(client, world, council_token, council_plan, uploads):
    url = f"{API}/plans/{council_plan.pk}/document"
    before = _state(uploads)
    problem(upload(client, url, council_token, if_match=None), 428, "precondition_required")
    problem(upload(client, url, council_token, if_match='"5"'), 409, "version_conflict")
    problem(upload(client, url, council_token, if_match="three"), 400, "if_match_invalid")
    # The conflicting upload's file was stored before the version check, then removed.
    assert _state(uploads) == before


def test_tokens_act_only_for_their_organisations(
    client, world, council_token, community_token, council_plan, uploads
):
    from sizes.api.models import ApiToken
    from sizes.api.services import token_revoke

    quiet = plan(world.council_signer, world.zone, world.council, title="Quiet",
                 visibility="partners")  # fmt: skip
    before = _state(uploads)
    problem(upload(client, f"{API}/plans/{council_plan.pk}/document", community_token), 403,
            "token_scope")  # fmt: skip
    problem(upload(client, f"{API}/plans/{quiet.pk}/document", community_token), 404,
            "plan_not_found")  # fmt: skip
    problem(upload(client, f"{API}/plans/999999/document", council_token), 404, "plan_not_found")
    problem(upload(client, f"{API}/plans/{council_plan.pk}/document"), 401, "token_missing")
    assert _state(uploads) == before
    token_revoke(actor=world.council_signer, token=ApiToken.objects.get(name="Case system"))
    before = _state(uploads)  # (the revocation itself is audited)
    problem(upload(client, f"{API}/plans/{council_plan.pk}/document", council_token), 401,
            "token_missing")  # fmt: skip
    assert _state(uploads) == before


def test_the_services_permission_check_still_applies(
    client, world, council_token, council_plan, uploads
):
    """The council's token, but the council is no longer a partner of the zone: the web form's
    own predicate refuses, and the attempt is audited as refused."""
    world.zone.partnerships.filter(organisation=world.council).delete()
    before = _state(uploads)
    problem(upload(client, f"{API}/plans/{council_plan.pk}/document", council_token), 403,
            "forbidden")  # fmt: skip
    assert _state(uploads) == before
    assert AuditEvent.objects.filter(action="plan.refused", object_id=str(council_plan.pk)).exists()


def test_put_multipart_is_not_an_upload(client, world, council_token, council_plan, uploads):
    """Only POST uploads; a multipart PUT to the plan is the JSON update, refused with 415."""
    data = encode_multipart(BOUNDARY, {"document": SimpleUploadedFile("p.pdf", PDF)})
    problem(client.put(f"{API}/plans/{council_plan.pk}", data, content_type=MULTIPART_CONTENT,
                       HTTP_IF_MATCH='"1"', **bearer(council_token)), 415,
            "media_type_unsupported")  # fmt: skip
