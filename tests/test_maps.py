"""Map helpers: great circles, projections and that each map draws what it is given."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis import maps


@pytest.fixture
def regions():
    return gpd.GeoDataFrame(
        {"NUTS_ID": ["PL71", "DE30"], "LEVL_CODE": [2, 2], "CNTR_CODE": ["PL", "DE"], "us_share": [0.5, np.nan], "cn_share": [0.25, 0.1]},
        geometry=[box(19, 51, 20, 52), box(13, 52, 14, 53)], crs="EPSG:4326",
    )


def test_great_circle_ends_at_both_places_and_bends_north():
    path = maps.great_circle(21.0, 52.2, -74.0, 40.7)  # Warsaw to New York
    assert np.allclose(path[0], [21.0, 52.2]) and np.allclose(path[-1], [-74.0, 40.7])
    assert path[:, 1].max() > 55  # the shortest route crosses the North Atlantic well north of both ends


def test_eu27_nuts2_keeps_level_two_of_member_states(regions):
    extra = pd.concat([regions, regions.assign(CNTR_CODE="UK", NUTS_ID="UKI3")])
    assert sorted(maps.eu27_nuts2(extra)["NUTS_ID"]) == ["DE30", "PL71"]


def test_paired_choropleth_draws_two_maps_on_one_scale(regions):
    figure = maps.paired_choropleth(regions, "us_share", "cn_share", "share of cities")
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert titles == ["United States", "China"]
    plt.close(figure)


def test_partner_mix_points_colours_each_mix(regions):
    cities = pd.DataFrame({
        "latitude": [51.8, 52.5, 51.5], "longitude": [19.5, 13.4, 19.9],
        "population": [670_000, 3_600_000, 60_000], "partner_mix": ["both", "US", "none"],
    })
    figure = maps.partner_mix_points(regions, cities)
    from matplotlib.collections import PathCollection

    scatters = [c for c in figure.axes[0].collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in scatters] == [1, 1, 1]  # none, US, both: one city each
    assert [tuple(c.get_facecolor()[0][:3]) for c in scatters][1] != tuple(scatters[0].get_facecolor()[0][:3])
    plt.close(figure)


def test_flow_map_draws_one_arc_per_tie():
    world = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box(-120, 20, 140, 60)])
    ties = pd.DataFrame({
        "eu_longitude": [19.5, 13.4], "eu_latitude": [51.8, 52.5],
        "partner_longitude": [-87.6, 116.4], "partner_latitude": [41.9, 39.9],
        "partner_country_iso2": ["US", "CN"],
    })
    figure = maps.flow_map(world, ties)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["to the US (1 ties)", "to China (1 ties)"]
    plt.close(figure)
