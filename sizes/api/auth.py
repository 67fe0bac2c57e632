"""Token authentication for writes: `Authorization: Bearer sizes_…`."""

from ninja.security import HttpBearer

from sizes.api.services import token_authenticate


class TokenAuth(HttpBearer):
    """The request acts as the token's person, for the token's organisations only."""

    def authenticate(self, request, token: str):
        # The rate limiter (sizes/core/ratelimit.py) may have looked this token up already.
        checked = getattr(request, "sizes_bearer_checked", None)
        if checked is not None and checked[0] == token.strip():
            api_token = checked[1]
        else:
            api_token = token_authenticate(token.strip())
        if api_token is None:
            return None
        request.api_token = api_token
        return api_token


token_auth = TokenAuth()
