"""What integra/workers.py's OneTripHandler relies on in Django's ASGI handler, which it
partly rewrites (its docstring says what that buys). If a Django upgrade changes any of it,
a test here fails and says what to re-read; nothing else would notice before production.

To update after re-reading django/core/handlers/asgi.py and adjusting OneTripHandler:
    python -c "import hashlib,inspect; from django.core.handlers.asgi import ASGIHandler as H;
    print(hashlib.sha256(inspect.getsource(H.handle).encode()).hexdigest())"
"""

import hashlib
import inspect

import django
from asgiref.sync import iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler

from integra.workers import OneTripHandler

# Django 5.2's ASGIHandler.handle, the method OneTripHandler.handle replaces.
REVIEWED_HANDLE = "98faeb5bef800331"


def test_the_handle_we_replace_is_the_one_we_read():
    source = inspect.getsource(ASGIHandler.handle)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    assert digest == REVIEWED_HANDLE, (
        f"Django {django.get_version()} changed ASGIHandler.handle: compare it with "
        "OneTripHandler.handle (integra/workers.py), then update REVIEWED_HANDLE"
    )


def test_the_helpers_we_call_keep_their_signatures():
    expected = {
        "read_body": ["self", "receive"],
        "create_request": ["self", "scope", "body_file"],
        "send_response": ["self", "response", "send"],
        "load_middleware": ["self", "is_async"],
    }
    for name, parameters in expected.items():
        assert list(inspect.signature(getattr(ASGIHandler, name)).parameters) == parameters, name
    assert isinstance(ASGIHandler.chunk_size, int)


def test_the_handler_runs_the_synchronous_chain_after_djangos_own_init():
    # asgiref's check also recognises the SyncToAsync wrapper Django's async chain is.
    assert iscoroutinefunction(ASGIHandler()._middleware_chain)
    assert not iscoroutinefunction(OneTripHandler()._middleware_chain)
