"""Portal test helpers over the real services."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def same_queries_with_more_points(client, county, django_assert_max_num_queries):
    """GET `url` with ten village service points more than the county has, then with a hundred more,
    within the first request's query count; returns the second response."""
    from tongban.org import services as org_services
    from tongban.org.models import UnitKind

    village = UnitKind.objects.get(code="village")

    def add_villages(first: int, last: int) -> None:
        for n in range(first, last):
            org_services.create_unit(code=f"vil-extra-{n}", name=f"加村{n}便民服务点", kind=village, parent=county.township_a)

    def check(url: str):
        add_villages(0, 10)
        with CaptureQueriesContext(connection) as first:
            assert client.get(url).status_code == 200
        add_villages(10, 100)
        with django_assert_max_num_queries(len(first)):
            return client.get(url)

    return check
