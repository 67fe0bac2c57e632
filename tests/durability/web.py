"""A small HTTP client for the tests that talk to a real server: a signed-in session, CSRF
tokens from forms, and answers of every status returned (redirects are not followed)."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass

from tests.durability.conftest import ScratchDb

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]

    def json(self):
        return json.loads(self.body)


def session_for(db: ScratchDb, username: str) -> str:
    """Sign `username` in (as Django's test client does) and return the session cookie value."""
    return db.python_json(
        f"""
        import json
        from django.contrib.auth import get_user_model
        from django.test import Client
        client = Client()
        client.force_login(get_user_model().objects.get(username={username!r}))
        print(json.dumps(client.cookies["sessionid"].value))
        """
    )


class Browser:
    """One visitor: keeps its session and CSRF cookies, one connection per request."""

    def __init__(self, base: str, *, session: str | None = None, timeout: float = 60):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.base = base
        self.cookies: dict[str, str] = {}
        if session:
            self.cookies["sessionid"] = session
        self.timeout = timeout

    def request(self, method: str, path: str, *, body: bytes | None = None, headers=None) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            all_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, text, dict(response.headers.items()))
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def submit(self, path: str, fields: dict | list) -> Answer:
        """POST a form the way a browser does, with the CSRF cookie and the page as Referer."""
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.request(
            "POST",
            path,
            body=data,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.base + path,
            },
        )

    @staticmethod
    def csrf_token(page: Answer) -> str:
        match = CSRF_FIELD.search(page.body)
        assert match, f"no CSRF token in the page (status {page.status}):\n{page.body[:1500]}"
        return match.group(1)
