"""Distances on the Earth and travel time estimates for the sales-point map."""

import math

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
# Roads wind: the road distance is taken as this multiple of the straight line (a common
# circuity factor for rural Vietnam's road network, 1.3-1.4).
ROAD_FACTOR = 1.35
# A motorbike's average speed on mixed commune and provincial roads, km/h (the usual way to
# reach a market or post office).
SPEED_KMH = 30.0


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travel_minutes(distance_km: float) -> int:
    """Estimated minutes by motorbike: road distance at the average speed, at least 1."""
    return max(1, round(distance_km * ROAD_FACTOR / SPEED_KMH * 60))


def bounding_box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) holding every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlng = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * coslat)))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
