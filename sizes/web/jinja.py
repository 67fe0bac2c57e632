"""The Jinja2 environment for every page: GOV.UK Frontend macros plus a few globals."""

import threading

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from jinja2 import Template as JinjaTemplate


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def format_date(value, fmt: str = "%-d %B %Y") -> str:
    """Dates the GOV.UK way: 3 March 2027."""
    return value.strftime(fmt) if value else ""


_rendering = threading.local()


class Template(JinjaTemplate):
    """A template that lets go of the page's data as soon as the page is rendered.

    A render context is tied into a reference cycle by the macros a page calls (each keeps the
    context, which keeps them), so everything the page was given (a register's rows, their
    related rows ...) was freed only by the cycle collector: some 2,000 objects a request, and
    every dozen requests a full collection freeing them paused the process 20-30 ms. Once the
    page is rendered, the variables of its context and of the contexts its includes were given
    (which share the page's variables) are emptied, and what they held is freed at once.
    Imported macro modules' own contexts, which Jinja caches between renders, are left alone.
    """

    def new_context(self, vars=None, shared=False, locals=None):  # noqa: A002 - Jinja's names
        ctx = super().new_context(vars, shared, locals)
        made = getattr(_rendering, "contexts", None)
        if shared and made is not None:  # an include's (or a with-context import's) context
            made.append(ctx)
        return ctx

    def render(self, *args, **kwargs) -> str:
        outer = getattr(_rendering, "contexts", None)  # a page rendered inside another's
        made = _rendering.contexts = []
        ctx = super().new_context(dict(*args, **kwargs))  # as Template.render, then let go
        made.append(ctx)
        try:
            return self.environment.concat(self.root_render_func(ctx))  # type: ignore[attr-defined]
        except Exception:
            self.environment.handle_exception()
        finally:
            _rendering.contexts = outer
            for each in made:
                for names in (each.vars, each.exported_vars, each.parent):
                    names.clear()


def environment(**options) -> Environment:
    app_loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            app_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)  # noqa: S701 - autoescape is set in settings.TEMPLATES
    env.template_class = Template
    env.globals.update(static=static, url=url, get_messages=get_messages)
    env.filters["date"] = format_date
    return env
