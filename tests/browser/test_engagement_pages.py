"""Engagement pages in a real browser: WCAG 2.2 AA (axe-core), no JavaScript errors, and the
forms' error states."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from sizes.demo.engagement import SLUG, load
from sizes.demo.loader import DEMO_PASSWORD
from sizes.engagement.models import Comment, Idea, IdeaStatus, Meeting, Suggestion

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo", "--no-serve")
    load(today=timezone.localdate())


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def no_problems(page_problems) -> None:
    """No JavaScript errors or off-site requests; the only console errors are the 400s the
    test asked for (a bad link, a form with errors)."""
    assert not page_problems.page_errors and not page_problems.offsite_requests
    assert all("status of 400" in e for e in page_problems.console_errors), page_problems.summary()


def check(page, axe_check, urls):
    for url in urls:
        response = page.goto(url, wait_until="load")
        expected = 400 if "not-a-token" in url else 200
        assert response.status == expected, url
        axe_check(page, url)


def test_public_engagement_pages(page, axe_check, page_problems, demo):
    s = Suggestion.objects.order_by("pk").first()
    idea = Idea.objects.get(status=IdeaStatus.ADOPTED)
    past = Meeting.objects.order_by("starts_at").first()
    check(page, axe_check, [
        "/suggestions/", "/suggestions/?sort=newest", f"/suggestions/{s.pk}/",
        f"/zones/{SLUG}/ideas/", f"/zones/{SLUG}/ideas/{idea.pk}/",
        f"/zones/{SLUG}/meetings/", f"/meetings/{past.pk}/",
        "/account/password-reset/", "/account/verify-email/not-a-token/",
    ])  # fmt: skip
    no_problems(page_problems)


def test_signed_in_engagement_pages(page, axe_check, page_problems, demo):
    s = Suggestion.objects.filter(status="open").order_by("pk").first()
    overdue = Idea.objects.get(status=IdeaStatus.OPEN)
    past = Meeting.objects.order_by("starts_at").first()
    comment = Comment.objects.order_by("pk").first()
    sign_in(page, "council.officer")
    check(page, axe_check, [
        "/account/details/", "/account/following/", "/account/your-data/", "/account/delete/",
        "/suggestions/new/", f"/suggestions/{s.pk}/propose-zone/", f"/suggestions/{s.pk}/decline/",
        f"/zones/{SLUG}/ideas/new/", f"/zones/{SLUG}/ideas/{overdue.pk}/answer/",
        f"/zones/{SLUG}/ideas/{overdue.pk}/adopt/", f"/zones/{SLUG}/meetings/new/",
        f"/meetings/{past.pk}/record/", "/comments/review/",
        f"/comments/{comment.pk}/moderate/", f"/comments/{comment.pk}/report/",
    ])  # fmt: skip
    # Error states.
    page.goto("/suggestions/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the suggestion").click()
    assert "There is a problem" in page.content()
    axe_check(page, "suggestion form with errors")
    page.goto(f"/zones/{SLUG}/meetings/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the meeting").click()
    assert "There is a problem" in page.content()
    axe_check(page, "meeting form with errors")
    no_problems(page_problems)
