"""Map helpers: great circles, projections and that each map draws what it is given."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.report import maps


@pytest.fixture
def regions():
    return gpd.GeoDataFrame(
        {
            "NUTS_ID": ["PL71", "DE30"],
            "LEVL_CODE": [2, 2],
            "CNTR_CODE": ["PL", "DE"],
            "us_share": [0.5, np.nan],
            "cn_share": [0.25, 0.1],
        },
        geometry=[box(19, 51, 20, 52), box(13, 52, 14, 53)],
        crs="EPSG:4326",
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
    cities = pd.DataFrame(
        {
            "latitude": [51.8, 52.5, 51.5],
            "longitude": [19.5, 13.4, 19.9],
            "population": [670_000, 3_600_000, 60_000],
            "partner_mix": ["both", "US", "none"],
        }
    )
    figure = maps.partner_mix_points(regions, cities)
    from matplotlib.collections import PathCollection

    scatters = [c for c in figure.axes[0].collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in scatters] == [1, 1, 1]  # none, US, both: one city each
    assert [tuple(c.get_facecolor()[0][:3]) for c in scatters][1] != tuple(scatters[0].get_facecolor()[0][:3])
    plt.close(figure)


def test_flow_map_draws_one_arc_per_tie():
    world = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box(-120, 20, 140, 60)])
    ties = pd.DataFrame(
        {
            "eu_longitude": [19.5, 13.4],
            "eu_latitude": [51.8, 52.5],
            "partner_longitude": [-87.6, 116.4],
            "partner_latitude": [41.9, 39.9],
            "partner_country_iso2": ["US", "CN"],
        }
    )
    figure = maps.flow_map(world, ties)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["to the US (1 ties)", "to China (1 ties)"]
    plt.close(figure)


def test_regions_with_values_keeps_every_polygon_and_refuses_unknown_codes():
    frame = gpd.GeoDataFrame(
        {"nuts2_code": ["PL71", "DE30", "PL71"], "nuts_version": [2021, 2021, 2024]},
        geometry=[box(19, 51, 20, 52), box(13, 52, 14, 53), box(19, 51, 20, 52)],
        crs="EPSG:4326",
    )
    values = pd.DataFrame({"nuts2_2021": ["PL71"], "share_cities_with_us": [0.5]})
    joined = maps.regions_with_values(frame, values)
    assert sorted(joined["nuts2_code"]) == ["DE30", "PL71"]
    assert joined.set_index("nuts2_code")["share_cities_with_us"].isna().to_dict() == {"DE30": True, "PL71": False}
    with pytest.raises(ValueError, match="FR10"):
        maps.regions_with_values(frame, pd.DataFrame({"nuts2_2021": ["FR10"], "share_cities_with_us": [0.1]}))


def test_flow_ties_take_coordinates_from_the_frame_and_the_gazetteer_and_count_the_rest():
    relations = pd.DataFrame(
        {
            "relation_id": ["r1", "r2", "r3", "r4"],
            "eu_city_id": ["c1", "c1", "c2", None],
            "partner_id": ["us1", "cn-unknown", "fr1", "us1"],
            "partner_country_iso2": ["US", "CN", "FR", "US"],
        }
    )
    cities = pd.DataFrame({"city_id": ["c1", "c2"], "longitude": [19.5, 2.3], "latitude": [51.8, 48.9]})
    gazetteer = pd.DataFrame({"partner_id": ["us1", "fr1"], "longitude": [-87.6, 4.8], "latitude": [41.9, 45.8]})
    ties = maps.flow_ties(relations, cities, gazetteer)
    assert ties["relation_id"].tolist() == ["r1"]
    assert ties.loc[0, ["eu_longitude", "partner_longitude"]].tolist() == [19.5, -87.6]
    assert ties.attrs["row_counts"] == {"ties": 2, "in_frame": 2, "drawn": 1, "without_partner_coordinates": 1}


def test_unwrap_antimeridian_cuts_polygons_that_jump_across_180_degrees():
    from shapely.geometry import Polygon

    # a ring that runs from 170°E across the antimeridian to -170° (190°E), written the naive way
    wrapping = Polygon([(170, 60), (180, 60), (-170, 60), (-170, 70), (180, 70), (170, 70)])
    world = gpd.GeoDataFrame(
        {"name": ["Chukotka", "Poland"]}, geometry=[wrapping, box(14, 49, 24, 55)], crs="EPSG:4326"
    )
    unwrapped = maps.unwrap_antimeridian(world)
    widths = (unwrapped.bounds["maxx"] - unwrapped.bounds["minx"]).tolist()
    assert widths[0] == pytest.approx(10.0) and widths[1] == pytest.approx(10.0)
    assert unwrapped.bounds["maxx"].max() <= 180


def test_the_size_legend_shows_round_populations_within_the_data():
    assert maps.size_legend_populations(3_600_000, 60_000) == [100_000, 500_000, 2_000_000]
    assert maps.size_legend_populations(250_000, 150_000) == [200_000]
    assert maps.point_size(3_600_000, 3_600_000) > maps.point_size(60_000, 3_600_000)


def test_partner_mix_points_has_a_size_legend_and_a_visible_none_colour(regions):
    from matplotlib.colors import to_rgb

    from analysis.report.figures import PARTNER_COLOURS, REGION_FILL

    cities = pd.DataFrame(
        {
            "latitude": [51.8, 52.5],
            "longitude": [19.5, 13.4],
            "population": [60_000, 3_600_000],
            "partner_mix": ["none", "US"],
        }
    )
    figure = maps.partner_mix_points(regions, cities)
    legend = figure.axes[0].get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels[:4] == ["neither", "US partner only", "Chinese partner only", "both"]
    assert labels[4:] == ["100,000 people", "500,000 people", "2,000,000 people", ""]
    contrast = np.abs(np.array(to_rgb(PARTNER_COLOURS["none"])) - np.array(to_rgb(REGION_FILL))).sum()
    assert contrast > 0.6, "the 'neither' points must stand out from the land"
    plt.close(figure)


def test_the_choropleth_dots_regions_resting_on_few_cities(regions):
    few = regions.assign(cities=[2, 40])
    figure = maps.paired_choropleth(few, "us_share", "cn_share", "share", count_column="cities")
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["fewer than 5 frame cities", "no frame city"]
    plt.close(figure)


def test_the_flow_map_widens_its_view_to_every_arc():
    world = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box(-120, 20, 140, 60)])
    ties = pd.DataFrame(
        {
            "eu_longitude": [19.5],
            "eu_latitude": [51.8],
            "partner_longitude": [-157.9],  # Honolulu, west of the usual view
            "partner_latitude": [21.3],
            "partner_country_iso2": ["US"],
        }
    )
    figure = maps.flow_map(world, ties)
    west = gpd.GeoSeries.from_xy([-157.9], [21.3], crs="EPSG:4326").to_crs(maps.WORLD_CRS).x.iloc[0]
    assert figure.axes[0].get_xlim()[0] < west
    plt.close(figure)
