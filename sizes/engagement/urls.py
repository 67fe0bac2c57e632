"""Engagement pages. Included at the site root, so every path here is written in full."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from sizes.engagement import forms, views

app_name = "engagement"
urlpatterns = [
    # Accounts
    path("account/verify-email/send/", views.verify_email_send, name="verify-email-send"),
    path("account/verify-email/<str:token>/", views.verify_email, name="verify-email"),
    path("account/details/", views.profile_edit, name="profile-edit"),
    path(
        "account/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="engagement/password_reset.html",
            email_template_name="engagement/email/password_reset.txt",
            form_class=forms.ResetForm,
            success_url=reverse_lazy("engagement:password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="engagement/password_reset_sent.html"
        ),
        name="password-reset-sent",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="engagement/password_reset_confirm.html",
            form_class=forms.NewPasswordForm,
            success_url=reverse_lazy("engagement:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "account/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="engagement/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    # Suggestions
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion-new"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/support/", views.suggestion_support, name="suggestion-support"),
    path("suggestions/<int:pk>/propose-zone/", views.suggestion_to_zone, name="suggestion-to-zone"),
    path("suggestions/<int:pk>/decline/", views.suggestion_decline, name="suggestion-decline"),
    # Ideas from the edge
    path("zones/<slug:slug>/ideas/", views.ideas, name="ideas"),
    path("zones/<slug:slug>/ideas/new/", views.idea_new, name="idea-new"),
    path("zones/<slug:slug>/ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("zones/<slug:slug>/ideas/<int:pk>/answer/", views.idea_answer, name="idea-answer"),
    path("zones/<slug:slug>/ideas/<int:pk>/adopt/", views.idea_adopt, name="idea-adopt"),
    # Meetings
    path("zones/<slug:slug>/meetings/", views.meetings, name="meetings"),
    path("zones/<slug:slug>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting-ics"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting-record"),
    # Follows
    path("zones/<slug:slug>/follow/", views.follow_zone, name="follow-zone"),
    path("account/following/", views.follows, name="follows"),
    path("account/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Privacy
    path("account/your-data/", views.privacy, name="privacy"),
    path("account/your-data/download/", views.privacy_download, name="privacy-download"),
    path("account/delete/", views.account_delete, name="account-delete"),
    # Comments
    path("comments/on/<str:kind>/<int:pk>/", views.comment_add, name="comment-add"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("comments/review/", views.comments_review, name="comments-review"),
]
