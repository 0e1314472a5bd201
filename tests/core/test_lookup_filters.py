from decimal import Decimal

from eldercare.core.templatetags.lookup import lookup, percent


def test_lookup_reads_a_dict_by_a_variable_key() -> None:
    assert lookup({"431102001001": "多福社区"}, "431102001001") == "多福社区"
    assert lookup({"a": 1}, "b") == ""
    assert lookup(None, "a") == ""


def test_percent_shows_two_places_or_a_dash() -> None:
    assert percent(Decimal("0.1367")) == "13.67%"
    assert percent(Decimal("1")) == "100.00%"
    assert percent(None) == "—"
