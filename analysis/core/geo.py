"""Great-circle distances on the sphere, shared by every module that measures how far apart places are."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between WGS84 coordinates in degrees.

    Arguments broadcast like numpy arrays (a column against a row gives a matrix); the
    result is NaN wherever a coordinate is missing.
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(value, dtype="float64")) for value in (lat1, lon1, lat2, lon2))
    half_chord = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half_chord, 0.0, 1.0)))


def pairwise_km(latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    """Matrix of great-circle distances (km) between all pairs of points."""
    latitudes = np.asarray(latitudes, dtype="float64")
    longitudes = np.asarray(longitudes, dtype="float64")
    return haversine_km(latitudes[:, None], longitudes[:, None], latitudes[None, :], longitudes[None, :])
