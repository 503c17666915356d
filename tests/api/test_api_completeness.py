"""Every operation the UI offers has an API operation with the same rules (issue 14), and
docs/api.md says which: one table row per UI URL name, websocket route and staff admin
page or action, naming its API operations as `METHOD /path` (`operationId`), or `—` and
why there is none.

This walks Django's URL resolver (every named pattern outside /api/ and /admin/), the
websocket routes and the admin's registry (the models and actions staff use; the
superuser-only internal tables aside), reads docs/api.md and docs/api-billing.md, and
fails naming every UI entry without a row and every row whose operation is not in the
OpenAPI document with that method and path.

A row may not say `pending`: every UI entry, billing's included (docs/api-billing.md), names
its API operation or says why there is none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from backoffice.admin.bookings import ReadOnlyAdmin
from integra.api import api
from integra.routing import websocket_urlpatterns

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "api.md"
BILLING_DOCS = ROOT / "docs" / "api-billing.md"
API_PREFIX = "/api/v1"
PENDING = "pending"  # never an answer
NONE = "—"
OUTSIDE_UI = ("api/", "admin/", "static/", "media/")

CODE = re.compile(r"`([^`]+)`")
METHOD_SPAN = re.compile(r"(GET|POST|PUT|PATCH|DELETE) ")
OPERATION = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)` \(`([A-Za-z_][A-Za-z0-9_]*)`\)")


@dataclass
class Row:
    source: str  # file name and line, for the failure message
    key: str
    cells: list[str]
    operations: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def api_cell(self) -> str:
        return self.cells[1].strip()

    @property
    def why_none(self) -> str:
        return self.cells[3].strip() if len(self.cells) > 3 else ""


def rows_of(text: str, name: str) -> list[Row]:
    """The table rows of a Markdown document whose first cell names a UI entry in a code
    span (header and separator rows aside)."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        key = CODE.search(cells[0])
        if key is None or len(cells) < 3:
            continue
        row = Row(f"{name}:{number}", key.group(1), cells)
        row.operations = OPERATION.findall(cells[1])
        rows.append(row)
    return rows


def problems_of(rows: list[Row], *, pending_allowed: bool, document: dict) -> list[str]:
    """What is wrong with rows: an API cell that is neither operations, `—` with a reason,
    nor (where allowed) `pending`; stray code in it; an operation the OpenAPI document does
    not have with that method and path."""
    by_id = {
        operation["operationId"]: (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    found = []
    for row in rows:
        cell = row.api_cell
        if cell == PENDING:
            if not pending_allowed:
                found.append(f"{row.source} `{row.key}`: `pending` is not an answer")
            continue
        if cell == NONE:
            if not row.why_none:
                found.append(f"{row.source} `{row.key}`: no API operation and no reason why")
            continue
        if not row.operations:
            found.append(f"{row.source} `{row.key}`: name an operation, or `—` and why")
            continue
        written = [span for span in CODE.findall(cell) if METHOD_SPAN.match(span)]
        if len(written) != len(row.operations):
            found.append(f"{row.source} `{row.key}`: write operations as `METHOD /path` (`id`)")
        for method, path, operation_id in row.operations:
            actual = by_id.get(operation_id)
            if actual is None:
                found.append(f"{row.source} `{row.key}`: no operation `{operation_id}`")
            elif actual != (method, API_PREFIX + path):
                found.append(
                    f"{row.source} `{row.key}`: `{operation_id}` is "
                    f"`{actual[0]} {actual[1].removeprefix(API_PREFIX)}`, "
                    f"not `{method} {path}`"
                )
    return found


def ui_url_names() -> set[str]:
    """Every named URL pattern of the pages (namespaced "calendar:booking-move"), outside
    the API, the admin and static files."""
    names = set()

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(OUTSIDE_UI):
                continue
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver(), "", "")
    return names


def websocket_routes() -> set[str]:
    return {str(pattern.pattern) for pattern in websocket_urlpatterns}


def admin_entries() -> set[str]:
    """`admin:<app>.<model>` for each model staff manage in the admin and
    `admin:<app>.<model>:<action>` for each of its own actions. The internal tables only a
    superuser sees (raw history, slot claims, idempotency keys) are not the clinic's UI."""
    entries = set()
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyAdmin):
            continue
        label = model._meta.label_lower
        entries.add(f"admin:{label}")
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            entries.add(f"admin:{label}:{name}")
    return entries


def documented_rows() -> tuple[list[Row], list[Row]]:
    main = rows_of(DOCS.read_text(encoding="utf-8"), DOCS.name)
    billing = []
    if BILLING_DOCS.exists():
        billing = rows_of(BILLING_DOCS.read_text(encoding="utf-8"), BILLING_DOCS.name)
    return main, billing


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def test_every_ui_url_websocket_route_and_staff_admin_entry_has_a_row():
    main, billing = documented_rows()
    keys = {row.key for row in main + billing}

    missing = sorted((ui_url_names() | websocket_routes() | admin_entries()) - keys)

    assert not missing, "UI entries with no row in docs/api.md: " + ", ".join(missing)


def test_every_row_names_a_ui_entry_that_exists():
    main, billing = documented_rows()
    known = ui_url_names() | websocket_routes() | admin_entries()

    stale = sorted({f"{row.source} `{row.key}`" for row in main + billing if row.key not in known})

    assert not stale, "rows naming no UI entry: " + ", ".join(stale)


def test_every_operation_a_row_names_is_in_the_openapi_document_with_its_method_and_path(
    document,
):
    main, billing = documented_rows()

    found = problems_of(main, pending_allowed=False, document=document)
    found += problems_of(billing, pending_allowed=False, document=document)

    assert not found, "\n".join(found)


# ---------------------------------------------------------------- the checks can fail

SAMPLE = """\
| UI operation (URL name) | API operation (METHOD path, operationId) | who | why none |
|---|---|---|---|
| `calendar:booking-move` | `POST /bookings/{booking_id}/move` (`move_booking`) | staff | |
| `portal:manifest` | — | anyone | |
| `portal:feed` | `GET /me/calendar-feed` (`get_feed`) | a professional | |
| `portal:feed-issue` | `GET /me/calendar-feed` (`issue_calendar_feed`) | a professional | |
| `portal:money` | pending | a professional | |
| `portal:month` | see `list_bookings` | a professional | |
| `portal:home` | `GET /bookings` `list_bookings` | a professional | |
"""


def test_the_check_names_a_missing_reason_an_unknown_or_misplaced_operation_and_pending(
    document,
):
    rows = rows_of(SAMPLE, "sample.md")

    found = problems_of(rows, pending_allowed=False, document=document)

    assert [row.key for row in rows][:2] == ["calendar:booking-move", "portal:manifest"]
    assert found == [
        "sample.md:4 `portal:manifest`: no API operation and no reason why",
        "sample.md:5 `portal:feed`: no operation `get_feed`",
        "sample.md:6 `portal:feed-issue`: `issue_calendar_feed` is `POST /me/calendar-feed`, "
        "not `GET /me/calendar-feed`",
        "sample.md:7 `portal:money`: `pending` is not an answer",
        "sample.md:8 `portal:month`: name an operation, or `—` and why",
        "sample.md:9 `portal:home`: name an operation, or `—` and why",
    ]
    assert problems_of(rows[4:5], pending_allowed=True, document=document) == []


def test_the_walk_finds_the_pages_routes_and_admin_actions_it_must_check():
    names = ui_url_names()

    assert {"calendar:booking-move", "portal:booking-rebook", "account_login"} <= names
    assert not [name for name in names if name.startswith(("api", "admin"))]
    assert websocket_routes() == {"ws/calendar/", "ws/portal/"}
    assert {"admin:scheduling.booking:cancel", "admin:professionals.professional:invite"} <= (
        admin_entries()
    )
    assert "admin:scheduling.slotclaim" not in admin_entries()
