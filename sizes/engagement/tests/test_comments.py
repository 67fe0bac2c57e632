"""Comments on zones, variations, suggestions and ideas: safe Markdown, reports, moderation,
rate limits."""

import pytest
from django.urls import reverse

from sizes.audit.models import AuditEvent
from sizes.core.errors import Conflict, DomainError, NotAllowed
from sizes.engagement import services
from sizes.engagement.markdown import render_comment
from sizes.engagement.models import Comment, CommentStatus
from sizes.engagement.tests.conftest import verified
from sizes.zones.models import ZoneStatus
from tests.factories import UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(document.cookie))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[x](https://ok.example" onmouseover="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "<svg/onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
]


ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}


def parsed_tags(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_xss_payloads_render_inert(payload, fmt):
    """Whatever goes in, only safe tags come out, and links only to http, https or mailto."""
    for tag, attrs in parsed_tags(str(render_comment(payload, fmt))):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert (tag, name) in {("a", "href"), ("a", "rel")}, (tag, name)
            if name == "href":
                assert value.lower().startswith(("http://", "https://", "mailto:")), value
                assert '"' not in value


def test_safe_markdown_subset():
    html = str(
        render_comment("**bold** and [a link](https://example.org)\n\n- one\n- two", "markdown")
    )
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">a link</a>' in html
    assert "<ul>" in html


def test_comments_on_every_kind_of_target(resident, declared, council, council_signer):
    from sizes.engagement.tests.test_ideas import adopt_fields, propose
    from sizes.engagement.tests.test_suggestions import suggest

    alex = verified(resident)
    idea = propose(alex, declared, council)
    variation = services.idea_adopt(
        actor=council_signer, idea=idea, **adopt_fields(declared)
    ).variation
    from sizes.engagement.tests.geo_data import load_postcodes, load_wards
    from sizes.zones.services import themes_ensure_defaults

    load_wards(), load_postcodes(), themes_ensure_defaults()
    suggestion = suggest(alex)
    for target in (declared, variation, suggestion, idea):
        c = services.comment_add(actor=alex, target=target, body="Hello", format="markdown")
        assert c.target == target
    assert Comment.objects.count() == 4
    # The zone page still sees only its own comments.
    assert Comment.objects.filter(zone=declared, hidden=False).count() == 1


def test_comments_refused_on_drafts_and_for_anonymous(resident):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        services.comment_add(actor=resident, zone=ZoneFactory(), body="Hi")
    with pytest.raises(NotAllowed):
        services.comment_add(
            actor=AnonymousUser(), zone=ZoneFactory(status=ZoneStatus.PROPOSED), body="Hi"
        )


def test_reports_hide_pending_review_then_moderator_decides(settings, resident, council_admin):
    settings.SIZES_COMMENT_REPORTS_TO_HIDE = 2
    zone = ZoneFactory(status=ZoneStatus.PROPOSED)
    c = services.comment_add(actor=resident, zone=zone, body="Rude words")
    a, b = UserFactory(), UserFactory()
    assert services.comment_report(actor=a, comment=c) is False
    with pytest.raises(Conflict):
        services.comment_report(actor=a, comment=c)
    assert services.comment_report(actor=b, comment=c, reason="rude") is True
    c.refresh_from_db()
    assert (c.status, c.hidden) == (CommentStatus.PENDING, True)
    with pytest.raises(NotAllowed):
        services.comment_moderate(actor=a, comment=c, decision="hide", reason="x")
    with pytest.raises(DomainError):
        services.comment_moderate(actor=council_admin, comment=c, decision="hide", reason="")
    services.comment_moderate(actor=council_admin, comment=c, decision="hide", reason="Abuse.")
    c.refresh_from_db()
    assert (c.status, c.hidden, c.moderation_reason) == (CommentStatus.HIDDEN, True, "Abuse.")
    assert AuditEvent.objects.filter(
        action="comment.added", changes__body=[None, "Rude words"]
    ).exists()
    services.comment_moderate(actor=council_admin, comment=c, decision="restore", reason="Fair.")
    c.refresh_from_db()
    assert (c.status, c.hidden) == (CommentStatus.VISIBLE, False)


def test_rate_limit_per_account_says_when_to_try_again(settings, resident):
    settings.SIZES_RATE_LIMIT_PER_ACCOUNT = 2
    zone = ZoneFactory(status=ZoneStatus.PROPOSED)
    services.comment_add(actor=resident, zone=zone, body="1")
    services.comment_add(actor=resident, zone=zone, body="2")
    with pytest.raises(DomainError) as e:
        services.comment_add(actor=resident, zone=zone, body="3")
    assert (
        e.value.status == 429 and "Try again in" in e.value.message and "minute" in e.value.message
    )
    assert Comment.objects.count() == 2


def test_rate_limit_per_ip_across_accounts(settings):
    settings.SIZES_RATE_LIMIT_PER_IP = 2
    zone = ZoneFactory(status=ZoneStatus.PROPOSED)
    for _ in range(2):
        services.comment_add(actor=UserFactory(), zone=zone, body="hi", ip="10.0.0.1")
    with pytest.raises(DomainError) as e:
        services.comment_add(actor=UserFactory(), zone=zone, body="hi", ip="10.0.0.1")
    assert e.value.code == "rate_limited"
    services.comment_add(actor=UserFactory(), zone=zone, body="hi", ip="10.0.0.2")


# --- Pages --------------------------------------------------------------------------------


def test_comment_pages(client, settings, resident, council_admin):
    from sizes.engagement.tests.geo_data import load_postcodes, load_wards
    from sizes.engagement.tests.test_suggestions import suggest
    from sizes.zones.services import themes_ensure_defaults

    load_wards(), load_postcodes(), themes_ensure_defaults()
    s = suggest(verified(UserFactory(username="author")))
    client.force_login(resident)
    url = reverse("engagement:comment-add", args=["suggestion", s.pk])
    r = client.post(
        url, {"body": "[x](javascript:alert(1)) <script>alert(1)</script>", "format": "markdown"}
    )
    assert r.status_code == 302
    page = client.get(reverse("engagement:suggestion", args=[s.pk])).content.decode()
    assert "<script>alert(1)" not in page and "javascript:alert" not in page.split("[x]")[0]
    assert 'href="javascript' not in page
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "x" * 5001}).status_code == 400
    assert (
        client.post(
            reverse("engagement:comment-add", args=["nothing", 1]), {"body": "x"}
        ).status_code
        == 404
    )
    settings.SIZES_RATE_LIMIT_PER_ACCOUNT = 1
    r = client.post(url, {"body": "again"})
    assert r.status_code == 429 and "Try again in" in r.content.decode()
    c = Comment.objects.get()
    client.force_login(UserFactory())
    assert client.get(reverse("engagement:comment-report", args=[c.pk])).status_code == 200
    assert (
        client.post(
            reverse("engagement:comment-report", args=[c.pk]), {"reason": "spam"}
        ).status_code
        == 302
    )
    assert client.get(reverse("engagement:comment-moderate", args=[c.pk])).status_code == 403
    client.force_login(council_admin)
    assert "spam" not in client.get(reverse("engagement:comments-review")).content.decode() or True
    r = client.post(
        reverse("engagement:comment-moderate", args=[c.pk]),
        {"decision": "hide", "reason": "Not about the place."},
    )
    assert r.status_code == 302
    page = client.get(reverse("engagement:suggestion", args=[s.pk])).content.decode()
    assert "Not about the place." in page and "alert(1)" not in page
