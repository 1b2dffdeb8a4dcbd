"""Maps of NUTS regions and partnerships, in one shared style."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt

from analysis.figures import REGION_EDGE, REGION_FILL, apply_style

EU27_COUNTRY_CODES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # NUTS country codes: Greece is EL in NUTS, GR in ISO 3166

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
    apply_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 7))
    drawing = {"color": REGION_FILL, "edgecolor": REGION_EDGE, "linewidth": 0.3} | style
    regions.to_crs(EUROPE_CRS).plot(ax=ax, **drawing)
    ax.set_xlim(EUROPE_EXTENT["xmin"], EUROPE_EXTENT["xmax"])
    ax.set_ylim(EUROPE_EXTENT["ymin"], EUROPE_EXTENT["ymax"])
    ax.set_axis_off()
    return ax
