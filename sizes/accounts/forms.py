"""Sign-in and sign-up forms, with GOV.UK-style messages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from sizes.accounts.models import User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been closed.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            blocked = getattr(self.request, "sizes_sign_in_blocked", None)
            if blocked is not None:
                # Locked out (sizes.accounts.backends): say so, not "wrong password".
                raise forms.ValidationError(blocked.message, code="rate_limited") from None
            raise


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.help_text = "Letters, numbers and @ . + - _ only. Other people see it."
        username.error_messages["required"] = "Enter a username."
        username.error_messages["unique"] = "That username is taken. Choose another."
        self.fields["password1"].label = "Password"
        self.fields[
            "password1"
        ].help_text = "At least 8 characters. Not a common password, and not all numbers."
        self.fields["password1"].error_messages["required"] = "Enter a password."
        self.fields["password2"].label = "Confirm password"
        self.fields["password2"].help_text = ""
        self.fields["password2"].error_messages["required"] = "Enter the password again."
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The passwords do not match.",
        }
