"""Comment text as safe HTML: plain text escaped, or a small subset of Markdown.

Markdown is rendered by markdown-it-py with raw HTML off, only paragraphs, emphasis, lists,
block quotes, code and links, and links limited to http, https and mailto (no `javascript:`,
`data:` or relative tricks). Links get `rel="nofollow ugc noopener"`.
"""

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Comments are at most 5,000 characters; longer text (an import, a future field) is shown as
# plain text, because pathological Markdown (50,000 asterisks) takes seconds to parse.
MAX_MARKDOWN_CHARS = 20_000


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    md.enable(
        [
            "emphasis",
            "list",
            "blockquote",
            "backticks",
            "link",
            "newline",
            "escape",
            "autolink",
            "code",
            "fence",
        ]
    )
    md.validateLink = _validate_link

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow ugc noopener")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_comment(body: str, fmt: str = "text") -> Markup:
    if fmt == "markdown" and len(body or "") <= MAX_MARKDOWN_CHARS:
        # Safe: markdown-it escapes all text and raw HTML is off; links are checked above.
        return Markup(_md().render(body or ""))  # noqa: S704
    paragraphs = [p for p in (body or "").split("\n\n") if p.strip()]
    # Safe: every paragraph is escaped before the <p> and <br> tags are added.
    html = "".join("<p>" + str(escape(p)).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return Markup(html)  # noqa: S704
