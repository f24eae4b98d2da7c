"""Reading the back office's posted forms: one way to get a field, and a clear refusal when it is
missing or wrong (shown next to the form, with what was typed put back)."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData


class BadForm(ValueError):  # noqa: N818 - a refusal shown next to the form
    """A form field that is missing or wrong; the message says which."""


def field(form: FormData, name: str) -> str:
    """The field as posted ("" when absent; a file upload is not a field)."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def text(
    form: FormData, name: str, *, what: str = "", limit: int = 4000, required: bool = True
) -> str:
    """The field without surrounding spaces, cut to `limit`; refused if required and empty."""
    value = field(form, name).strip()
    if required and not value:
        raise BadForm(f"Please fill in {what or name.replace('_', ' ')}.")
    return value[:limit]


def whole_number(form: FormData, name: str) -> int:
    """The field as a whole number."""
    try:
        return int(field(form, name))
    except ValueError as error:
        raise BadForm(f"{name.replace('_', ' ').capitalize()} must be a whole number.") from error


def day(form: FormData, name: str) -> date:
    """The field as a date (YYYY-MM-DD, as a date input posts it)."""
    try:
        return date.fromisoformat(field(form, name))
    except ValueError as error:
        raise BadForm(f"{name.replace('_', ' ').capitalize()} must be a date.") from error


def typed(form: FormData) -> dict[str, str]:
    """What was typed, to put back in the form when it is refused (never the csrf token)."""
    return {k: v for k, v in form.items() if k != "csrf" and isinstance(v, str)}
