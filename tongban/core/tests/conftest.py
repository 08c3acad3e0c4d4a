"""Fixtures of the whole-county checks (API scopes, the demo walk)."""
import pytest


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county once for the module, inside a transaction rolled back at the end (each test's own
    atomic block nests inside it), so nothing leaks into other modules — not even a flush."""
    from django.db import transaction

    from tongban.org.demo import build_demo_county, run_app_demos

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            run_app_demos(build_demo_county())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
