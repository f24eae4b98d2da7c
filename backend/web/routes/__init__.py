"""HTTP routes: thin adapters that parse, call one service function, and answer."""

from __future__ import annotations

from typing import Any

# A public form with mistakes comes back as the page, saying what to fix (422); FastAPI's own
# 422 (JSON) answers a field longer than the form allows.
FORM_AGAIN: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "the form again, saying what to fix",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}},
        },
    }
}
