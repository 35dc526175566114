import pytest
from tests.api.test_access_log import test_every_get_route_that_shows_a_personal_value_logs_the_read as t
from tests.api.test_data import uci_slice  # noqa: F401


def test_mutant(fresh_web, uci_slice, tmp_path, monkeypatch) -> None:  # noqa: F811
    from xborder.api.access_log import PERSONAL_ROUTES

    monkeypatch.delitem(PERSONAL_ROUTES, "/data")
    with pytest.raises(AssertionError, match=r"not logged by: \['/data'\]"):
        t(fresh_web, uci_slice, tmp_path)
