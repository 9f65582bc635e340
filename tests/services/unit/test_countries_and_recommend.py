"""Country resolution and the recommendation cost model."""
from decimal import Decimal

import pycountry
import pytest

from quickconnect.adapters.geo import continents
from quickconnect.domain.countries import CountryDirectory
from quickconnect.domain.errors import UnknownCountry
from quickconnect.domain.recommend import plan_cost, rank_plans

from .catalog_fixture import real_catalog

D = Decimal


@pytest.fixture(scope="module")
def directory():
    return CountryDirectory(continents(), real_catalog().country_aliases)


@pytest.mark.parametrize("query, code, name, region", [
    ("UK", "GB", "United Kingdom", "Europe"),
    ("gb", "GB", "United Kingdom", "Europe"),
    ("GBR", "GB", "United Kingdom", "Europe"),
    ("United Kingdom of Great Britain and Northern Ireland", "GB", "United Kingdom", "Europe"),
    ("india", "IN", "India", "Asia"),
    ("USA", "US", "United States", "America"),
    ("south korea", "KR", "South Korea", "Asia"),
    ("Taiwan", "TW", "Taiwan", "Asia"),
    ("australia", "AU", "Australia", "Oceania"),
    ("Nigeria", "NG", "Nigeria", "Africa"),
])
def test_resolve(directory, query, code, name, region):
    c = directory.resolve(query)
    assert (c.code, c.name, c.region) == (code, name, region)


def test_deutschland_only_if_pycountry_knows_it(directory):
    try:
        known = pycountry.countries.lookup("Deutschland")
    except LookupError:
        known = None
    if known is None:
        with pytest.raises(UnknownCountry):
            directory.resolve("Deutschland")
    else:
        assert directory.resolve("Deutschland").code == known.alpha_2


def test_unknown_country_gets_close_suggestions(directory):
    with pytest.raises(UnknownCountry) as err:
        directory.resolve("Germny")
    assert "Germany" in err.value.suggestions
    with pytest.raises(UnknownCountry) as err:
        directory.resolve("Narnia")
    assert err.value.code == "unknown_country"


def test_every_country_has_a_rated_region(directory):
    rates = real_catalog().pay_per_minute_rates
    assert len(directory.all()) > 240
    assert all(c.region in rates for c in directory.all())


def _countries(directory, *names):
    return [directory.resolve(n) for n in names]


def test_regional_plan_inside_and_outside_its_region(directory):
    catalog = real_catalog()
    europe = catalog.plan("europe_saver")
    # 300 min split over GB and IN: 150 inside (within 300 included), 150 to Asia at 0.20
    cost = plan_cost(catalog, europe, _countries(directory, "GB", "IN"), 300)
    assert cost.monthly_cost == D("45.00") and not cost.covers_all
    # 500 min to GB only: 200 beyond the 300 included at 0.06 = 12.00
    assert plan_cost(catalog, europe, _countries(directory, "GB"), 500).monthly_cost == D("27.00")


def test_unlimited_beyond_fair_use_pays_per_minute(directory):
    catalog = real_catalog()
    world = catalog.plan("world unlimited")
    # 4000 min split over US and GB: 1000 beyond fair use, 500 at 0.10 + 500 at 0.15
    assert plan_cost(catalog, world, _countries(directory, "US", "GB"), 4000).monthly_cost == D("170.00")


def test_ranking_cheapest_first_with_saving_basis(directory):
    catalog = real_catalog()
    ranked = rank_plans(catalog, _countries(directory, "Spain", "France"), 200)
    assert [r.plan.code for r in ranked][:2] == ["europe_saver", "pay_per_minute"]
    assert [r.monthly_cost for r in ranked][:2] == [D("15.00"), D("30.00")]
    assert ranked == sorted(ranked, key=lambda r: r.monthly_cost)
    heavy = rank_plans(catalog, _countries(directory, "IN", "US", "NG"), 3000)
    assert heavy[0].plan.code == "world_unlimited" and heavy[0].monthly_cost == D("45.00")


def test_blocked_countries_are_flagged_and_not_charged(directory):
    catalog = real_catalog()
    cost = plan_cost(catalog, catalog.plan("pay_per_minute"), _countries(directory, "North Korea", "US"), 100)
    assert cost.monthly_cost == D("5.00") and not cost.covers_all
    assert "not available" in cost.breakdown
