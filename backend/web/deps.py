"""FastAPI dependencies, named so that route signatures read like sentences."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated

from babel.dates import format_date
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlmodel import Session

from backend.services import Services
from backend.store.db import session_scope
from bot import languages
from bot.render import TEMPLATES, label


def page_context(request: Request) -> dict[str, object]:
    """What every page may show: the installation's settings (landlord, phone, links), and the
    words of a public page in the reader's language (page_language): `_`, `ngettext`, `day`."""
    settings = request.app.state.services.settings
    code = page_language(request, settings.offered_languages)
    translations = languages.translations(code)

    @pass_context
    def gettext(context: Context, message: str, **values: object) -> str:
        said = translations.gettext(message)
        # Our own catalogue's words are markup; the values filled in are escaped by Markup.
        return (Markup(said) if context.eval_ctx.autoescape else said) % values  # noqa: S704

    @pass_context
    def ngettext(context: Context, one: str, many: str, n: int, **values: object) -> str:
        said = translations.ngettext(one, many, n)
        return (Markup(said) if context.eval_ctx.autoescape else said) % {"num": n, **values}  # noqa: S704

    return {
        "settings": settings,
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        "day": lambda when: format_date(when, "d MMMM y", locale=code),
        "language": code,
        "languages": [(other, languages.own_name(other)) for other in settings.offered_languages],
    }


def page_language(request: Request, offered: tuple[str, ...]) -> str:
    """The language of a public page: the one picked with the page's switch (?lang=, then kept
    in a cookie), else the browser's first offered (Accept-Language), else the default."""
    chosen = getattr(request.state, "language", None)  # the conversation's, on the chat page
    for picked in (request.query_params.get("lang"), chosen, request.cookies.get(LANGUAGE_COOKIE)):
        if picked in offered:
            return picked
    asked = languages.parse_accept_language(request.headers.get("accept-language", ""))
    return languages.best(offered, asked) or offered[0]


LANGUAGE_COOKIE = "lang"
pages = Jinja2Templates(directory=TEMPLATES, context_processors=[page_context])
pages.env.add_extension("jinja2.ext.i18n")
_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Escapes everything, then makes our http(s) links clickable (the upload link)."""
    escaped = str(escape(text))
    return Markup(  # noqa: S704 - built only from escaped text
        _URL.sub(lambda m: f'<a href="{m.group()}" rel="noopener">{m.group()}</a>', escaped)
    )


pages.env.filters["linkify"] = linkify
pages.env.globals["label"] = label
pages.env.globals["language_name"] = languages.english_name  # for officers: "Polish"


def utf8_safe(value: object) -> bool:
    """Whether every text in `value` (a string, or JSON-like data) can be written as UTF-8: a
    lone surrogate ("\\ud800" in JSON) cannot, and would fail wherever it is written."""
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode()
    except (UnicodeEncodeError, ValueError, TypeError):
        return False
    return True


async def get_services(request: Request) -> Services:
    """The app's services, built in the lifespan. Async, though it awaits nothing: FastAPI runs
    a plain function dependency in a worker thread, a hop that cost a webhook a quarter of a
    millisecond of CPU time."""
    services: Services = request.app.state.services
    return services


def get_session(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    """A database session for this request."""
    yield from session_scope(services.engine)


ServicesDep = Annotated[Services, Depends(get_services)]
SessionDep = Annotated[Session, Depends(get_session)]
