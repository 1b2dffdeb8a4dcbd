"""Maps of NUTS regions and partnerships, in one shared style."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt

from analysis.build.outcomes import tie_attributes
from analysis.core.countries import ISO2_TO_NUTS_COUNTRY
from analysis.report.figures import MAP_TEXT, REGION_EDGE, REGION_FILL, apply_style

# NUTS country codes of the EU-27 (Greece is EL in NUTS).
EU27_COUNTRY_CODES: tuple[str, ...] = tuple(sorted(ISO2_TO_NUTS_COUNTRY.values()))

# Lambert azimuthal equal-area for Europe, the projection Eurostat uses for its maps.
EUROPE_CRS = "EPSG:3035"
# Mainland Europe in EPSG:3035 (outermost regions such as the Canaries and Réunion lie outside).
EUROPE_EXTENT = {"xmin": 2_400_000, "xmax": 7_400_000, "ymin": 1_300_000, "ymax": 5_500_000}


def eu27_nuts2(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """NUTS level-2 regions of the EU-27 from a GISCO NUTS GeoDataFrame with all levels."""
    level2 = regions[(regions["LEVL_CODE"] == 2) & regions["CNTR_CODE"].isin(EU27_COUNTRY_CODES)]
    return level2.reset_index(drop=True)


def base_map(regions: gpd.GeoDataFrame, ax: plt.Axes | None = None, **style) -> plt.Axes:
    """Draw ``regions`` in the shared projection and extent, and return the axes."""
    apply_style(MAP_TEXT)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 7))
    drawing = {"color": REGION_FILL, "edgecolor": REGION_EDGE, "linewidth": 0.3} | style
    regions.to_crs(EUROPE_CRS).plot(ax=ax, **drawing)
    ax.set_xlim(EUROPE_EXTENT["xmin"], EUROPE_EXTENT["xmax"])
    ax.set_ylim(EUROPE_EXTENT["ymin"], EUROPE_EXTENT["ymax"])
    ax.set_axis_off()
    return ax


# --------------------------------------------------------------------------- partnership maps

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from analysis.report.figures import PARTNER_COLOURS  # noqa: E402

WORLD_CRS = "ESRI:54030"  # Robinson, for flows from Europe to North America and East Asia
PARTNER_MIX_ORDER = ("none", "US", "CN", "both")
PARTNER_MIX_LABELS = {"none": "neither", "US": "US partner only", "CN": "Chinese partner only", "both": "both"}
FEW_UNITS = 5  # a region's share resting on fewer frame cities than this is marked on the choropleth
FEW_COLOUR = "#444444"
NONE_EDGE = "#4d4d4d"  # outline of the grey "neither" points
SIZE_LEGEND_STEPS = (1, 2, 5)  # population legend entries: 1, 2, 5 times a power of ten


def choropleth(
    regions: gpd.GeoDataFrame,
    column: str,
    ax: plt.Axes,
    title: str,
    cmap: str = "Blues",
    vmin: float | None = None,
    vmax: float | None = None,
    legend_label: str = "",
    few: pd.Series | None = None,
) -> plt.Axes:
    """Shade ``regions`` by ``column`` (regions with no value drawn hatched grey) in the shared projection.

    ``few`` (a boolean per region) marks the regions whose value rests on few units: they are outlined and
    dotted, so that a share of 1 out of 2 cities does not read like one of 40 out of 80.
    """
    apply_style(MAP_TEXT)
    projected = regions.to_crs(EUROPE_CRS)
    projected.plot(
        column=column,
        ax=ax,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        edgecolor=REGION_EDGE,
        linewidth=0.2,
        legend=True,
        legend_kwds={"shrink": 0.8, "label": legend_label},
        missing_kwds={"color": "#f2f2f2", "hatch": "///", "edgecolor": REGION_EDGE, "linewidth": 0.2},
    )
    if few is not None and bool(few.to_numpy().any()):
        projected[few.to_numpy()].plot(ax=ax, facecolor="none", edgecolor=FEW_COLOUR, hatch="..", linewidth=0.3)
    ax.set_xlim(EUROPE_EXTENT["xmin"], EUROPE_EXTENT["xmax"])
    ax.set_ylim(EUROPE_EXTENT["ymin"], EUROPE_EXTENT["ymax"])
    ax.set_title(title)
    ax.set_axis_off()
    return ax


def paired_choropleth(
    regions: gpd.GeoDataFrame,
    us_column: str,
    cn_column: str,
    legend_label: str,
    count_column: str | None = None,
    few_below: int = FEW_UNITS,
) -> plt.Figure:
    """Two maps side by side on one colour scale: ``us_column`` (blues) and ``cn_column`` (reds).

    With ``count_column`` (the units each share rests on), regions with 1 to ``few_below - 1`` units are
    dotted (:func:`choropleth`) and a legend below the maps says so.
    """
    apply_style(MAP_TEXT)
    figure, (us_ax, cn_ax) = plt.subplots(1, 2, figsize=(9, 4.8))
    top = float(np.nanmax([regions[us_column].max(), regions[cn_column].max(), 1e-9]))
    few = None
    if count_column is not None:
        counts = pd.to_numeric(regions[count_column], errors="coerce").fillna(0)
        few = (counts > 0) & (counts < few_below)
    for ax, column, title, cmap in ((us_ax, us_column, "United States", "Blues"), (cn_ax, cn_column, "China", "Reds")):
        choropleth(regions, column, ax, title, cmap=cmap, vmin=0, vmax=top, legend_label=legend_label, few=few)
    if few is not None:
        from matplotlib.patches import Patch

        handles = [
            Patch(facecolor="none", edgecolor=FEW_COLOUR, hatch="..", label=f"fewer than {few_below} frame cities"),
            Patch(facecolor="#f2f2f2", edgecolor=REGION_EDGE, hatch="///", label="no frame city"),
        ]
        figure.legend(handles=handles, loc="lower center", ncols=2, bbox_to_anchor=(0.5, 0.0))  # below both maps
        figure.subplots_adjust(bottom=0.1)
    return figure


def point_size(population: pd.Series | np.ndarray | float, largest: float) -> np.ndarray:
    """Marker area (points²) of a city of ``population`` on the partner-mix map: the area grows with the population."""
    return 4 + 60 * np.sqrt(np.asarray(population, dtype=float) / largest)


def size_legend_populations(largest: float, smallest: float) -> list[int]:
    """Three round populations (1, 2 or 5 times a power of ten) between ``smallest`` and ``largest`` for the legend."""
    rounds = [
        step * 10**power
        for power in range(0, 9)
        for step in SIZE_LEGEND_STEPS
        if max(smallest, 1) <= step * 10**power <= largest
    ]
    if len(rounds) <= 3:
        return rounds
    return [rounds[0], rounds[len(rounds) // 2], rounds[-1]]


def mix_legend(ax: plt.Axes, largest: float, smallest: float) -> None:
    """One legend below the partner-mix map: the colours in one column, three round populations' sizes in the other."""
    colours = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=PARTNER_COLOURS[mix],
            markeredgecolor=NONE_EDGE if mix == "none" else "white",
            markersize=8,
            label=PARTNER_MIX_LABELS[mix],
        )
        for mix in PARTNER_MIX_ORDER
    ]
    populations = size_legend_populations(largest, smallest)
    sizes_shown = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#777777",
            markersize=float(np.sqrt(point_size(p, largest))),
            label=f"{p:,} people",
        )
        for p in populations
    ]
    sizes_shown += [Line2D([], [], linestyle="", label="")] * (len(colours) - len(sizes_shown))
    # one legend below the map: the colours in the left column, the sizes in the right (columns fill downwards)
    ax.legend(
        handles=colours + sizes_shown,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.02),
        ncols=2,
        title="Colour: cities with partners in …; size: population",
        columnspacing=2.0,
        handletextpad=0.4,
    )


def partner_mix_points(regions: gpd.GeoDataFrame, cities: pd.DataFrame, mix_column: str = "partner_mix") -> plt.Figure:
    """Frame cities as points sized by population and coloured by their partner mix (none / US / CN / both).

    Two legends sit below the map, clear of the points: the colours, and the point sizes for three round
    populations. Cities with neither partner are drawn in grey with a dark outline, visible on the grey land.
    """
    apply_style(MAP_TEXT)
    ax = base_map(regions)
    points = gpd.GeoDataFrame(
        cities, geometry=gpd.points_from_xy(cities["longitude"], cities["latitude"]), crs="EPSG:4326"
    ).to_crs(EUROPE_CRS)
    largest = float(points["population"].max())
    sizes = point_size(points["population"], largest)
    for mix in PARTNER_MIX_ORDER:  # "none" first, so coloured points are drawn on top
        chosen = (points[mix_column] == mix).to_numpy()
        if chosen.any():
            ax.scatter(
                points.geometry.x[chosen],
                points.geometry.y[chosen],
                s=sizes[chosen],
                color=PARTNER_COLOURS[mix],
                alpha=0.9,
                edgecolor=NONE_EDGE if mix == "none" else "white",
                linewidth=0.4,
                zorder=3,
            )
    mix_legend(ax, largest, float(points["population"].min()))
    return ax.figure


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, points: int = 48) -> np.ndarray:
    """``points`` (lon, lat) pairs along the great circle between two places (spherical interpolation)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    start = np.array([np.cos(lat1) * np.cos(lon1), np.cos(lat1) * np.sin(lon1), np.sin(lat1)])
    end = np.array([np.cos(lat2) * np.cos(lon2), np.cos(lat2) * np.sin(lon2), np.sin(lat2)])
    angle = np.arccos(np.clip(start @ end, -1.0, 1.0))
    steps = np.linspace(0.0, 1.0, points)
    if angle < 1e-9:
        path = np.repeat(start[None, :], points, axis=0)
    else:
        path = (np.sin((1 - steps) * angle)[:, None] * start + np.sin(steps * angle)[:, None] * end) / np.sin(angle)
    latitudes = np.degrees(np.arcsin(np.clip(path[:, 2], -1.0, 1.0)))
    longitudes = np.degrees(np.arctan2(path[:, 1], path[:, 0]))
    return np.column_stack([longitudes, latitudes])


def flow_map(world: gpd.GeoDataFrame, ties: pd.DataFrame) -> plt.Figure:
    """Great-circle arcs from EU cities to their US and Chinese partners on a world map.

    ``ties`` needs ``eu_longitude``, ``eu_latitude``, ``partner_longitude``, ``partner_latitude``
    and ``partner_country_iso2`` (US or CN); arcs are coloured by partner country.
    """
    from shapely.geometry import LineString

    apply_style(MAP_TEXT)
    figure, ax = plt.subplots(figsize=(9, 4.6))
    unwrap_antimeridian(world.set_crs("EPSG:4326", allow_override=True)).to_crs(WORLD_CRS).plot(
        ax=ax, color=REGION_FILL, edgecolor=REGION_EDGE, linewidth=0.2
    )
    arcs = [
        LineString(great_circle(row.eu_longitude, row.eu_latitude, row.partner_longitude, row.partner_latitude))
        for row in ties.itertuples()
    ]
    lines = gpd.GeoDataFrame(ties[["partner_country_iso2"]].copy(), geometry=arcs, crs="EPSG:4326").to_crs(WORLD_CRS)
    for country in ("US", "CN"):
        chosen = lines[lines["partner_country_iso2"] == country]
        if len(chosen):
            chosen.plot(ax=ax, color=PARTNER_COLOURS[country], linewidth=0.4, alpha=0.35)
    handles = [
        Line2D(
            [],
            [],
            color=PARTNER_COLOURS["US"],
            label=f"to the US ({(ties['partner_country_iso2'] == 'US').sum():,} ties)",
        ),
        Line2D(
            [],
            [],
            color=PARTNER_COLOURS["CN"],
            label=f"to China ({(ties['partner_country_iso2'] == 'CN').sum():,} ties)",
        ),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=2)  # below the map, clear of the arcs
    # all four corners of the usual view (Robinson narrows towards the poles, and arcs to China rise to ~75°N),
    # widened to every arc drawn (Hawaii, Alaska, the far north of a polar route), with a margin: no arc is cut
    bounds = (
        gpd.GeoSeries.from_xy([-125, 135, -125, 135], [15, 15, 75, 75], crs="EPSG:4326").to_crs(WORLD_CRS).total_bounds
    )
    if len(lines):
        drawn = lines.total_bounds
        bounds = np.array(
            [min(bounds[0], drawn[0]), min(bounds[1], drawn[1]), max(bounds[2], drawn[2]), max(bounds[3], drawn[3])]
        )
    margin = 0.02 * (bounds[2] - bounds[0])
    ax.set_xlim(bounds[0] - margin, bounds[2] + margin)
    ax.set_ylim(bounds[1] - margin, bounds[3] + margin)
    ax.set_axis_off()
    return figure


def unwrap_antimeridian(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Polygons that cross the antimeridian (Russia's Chukotka, Fiji) cut at 180° and Antarctica left out.

    In lon/lat such a polygon jumps from +180 to -180, and once projected it draws a band
    across the whole map. Parts wider than 180° have their western longitudes moved east by
    360° and are then clipped to the [-180, 180] world; input is in EPSG:4326.
    """
    import shapely
    from shapely.geometry import box

    parts = world.explode(index_parts=False)
    bounds = parts.bounds
    wrapping = (bounds["maxx"] - bounds["minx"]) > 180
    moved = parts.geometry.where(
        ~wrapping,
        shapely.transform(
            parts.geometry, lambda xy: np.column_stack([np.where(xy[:, 0] < 0, xy[:, 0] + 360, xy[:, 0]), xy[:, 1]])
        ),
    )
    parts = parts.set_geometry(moved.make_valid().intersection(box(-180, -60, 180, 90)))
    parts = parts[~parts.geometry.is_empty]
    return parts.dissolve(by=parts.index).reset_index(drop=True) if len(parts) else parts


def regions_with_values(
    regions: gpd.GeoDataFrame, region_table: pd.DataFrame, version: int = 2021, key: str = "nuts2_2021"
) -> gpd.GeoDataFrame:
    """NUTS2 polygons of one ``version`` joined to ``region_table`` (keyed by ``key``); every polygon kept.

    ``regions`` is the region frame (``nuts2_code``, ``nuts_version``, geometry). Raises when
    the table has codes with no polygon, so that no region's values are dropped silently.
    """
    polygons = regions[regions["nuts_version"] == version]
    unknown = sorted(set(region_table[key]) - set(polygons["nuts2_code"]))
    if unknown:
        raise ValueError(
            f"regions_with_values: {len(unknown)} codes in column '{key}' have no NUTS {version} polygon, e.g. {unknown[:5]}"
        )
    joined = polygons.merge(
        region_table.drop(columns=[c for c in ("geometry",) if c in region_table.columns]),
        left_on="nuts2_code",
        right_on=key,
        how="left",
        suffixes=("", "_table"),
    )
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=regions.crs)


def flow_ties(
    relations: pd.DataFrame, cities: pd.DataFrame, gazetteer: pd.DataFrame, countries: tuple[str, ...] = ("US", "CN")
) -> pd.DataFrame:
    """Ties of frame cities with partners in ``countries``, with both ends' coordinates, for :func:`flow_map`.

    The EU end takes the frame city's coordinates; the partner end takes the gazetteer's,
    through ``partner_id``. Ties whose partner is not in the gazetteer cannot be drawn;
    ``attrs["row_counts"]`` says how many ties there were and how many are drawn. The partner
    country follows the named outcome definitions (:func:`analysis.build.outcomes.tie_attributes`:
    the US is the 50 states and DC, China is mainland China).
    """
    group = tie_attributes(relations)["partner_group"].str.upper()
    in_countries = relations["eu_city_id"].notna() & group.isin(countries)
    chosen = relations[in_countries].assign(partner_country_iso2=group[in_countries])
    ends = chosen[["relation_id", "eu_city_id", "partner_id", "partner_country_iso2"]].merge(
        cities[["city_id", "longitude", "latitude"]].rename(
            columns={"city_id": "eu_city_id", "longitude": "eu_longitude", "latitude": "eu_latitude"}
        ),
        on="eu_city_id",
        how="inner",
    )
    places = gazetteer[["partner_id", "longitude", "latitude"]].rename(
        columns={"longitude": "partner_longitude", "latitude": "partner_latitude"}
    )
    drawn = ends.merge(places.drop_duplicates("partner_id"), on="partner_id", how="inner")
    drawn = drawn.dropna(subset=["eu_longitude", "eu_latitude", "partner_longitude", "partner_latitude"]).reset_index(
        drop=True
    )
    drawn.attrs["row_counts"] = {
        "ties": len(chosen),
        "in_frame": len(ends),
        "drawn": len(drawn),
        "without_partner_coordinates": len(ends) - len(drawn),
    }
    return drawn
