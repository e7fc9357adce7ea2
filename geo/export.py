"""Write GeoDataFrames as files GIS tools read without a warning.

GeoJSON follows RFC 7946: WGS 84 longitude/latitude, no ``crs`` member,
counter-clockwise outer rings, six decimals (about 10 cm), a ``bbox``,
stable feature ids and typed properties.  The GeoPackage holds the same
layers with flat columns.  Files are written byte-for-byte the same for the
same input.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

PRECISION = 6
#: GeoPackage timestamps are pinned so two builds give identical files.
FIXED_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def json_value(value: Any) -> Any:
    """A property value as JSON: numbers stay numbers, missing becomes null."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cases, first
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy scalars and arrays
        return json_value(value.tolist())
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _round(coordinates: Any) -> Any:
    if isinstance(coordinates, (int, float)):
        rounded = round(float(coordinates), PRECISION)
        return 0.0 if rounded == 0 else rounded
    return [_round(item) for item in coordinates]


def geometry_json(geometry) -> dict | None:
    """RFC 7946 geometry: outer rings counter-clockwise, six decimals."""
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    mapping = shapely.geometry.mapping(geometry)
    return {"type": mapping["type"], "coordinates": _round(mapping["coordinates"])}


def feature_collection(frame: gpd.GeoDataFrame, *, name: str) -> dict:
    """A GeoDataFrame as an RFC 7946 FeatureCollection mapping."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    columns = [column for column in frame.columns if column != frame.geometry.name]
    values = [[json_value(value) for value in frame[column].tolist()] for column in columns]
    features = []
    for number, geometry in enumerate(frame.geometry):
        properties = {column: values[index][number] for index, column in enumerate(columns)}
        feature: dict[str, Any] = {"type": "Feature"}
        if "id" in properties:
            feature["id"] = properties["id"]
        feature["properties"] = properties
        feature["geometry"] = geometry_json(geometry)
        features.append(feature)
    collection: dict[str, Any] = {"type": "FeatureCollection", "name": name}
    if len(frame) and not frame.geometry.is_empty.all():
        collection["bbox"] = _round(list(frame.total_bounds))
    collection["features"] = features
    return collection


def dumps(collection: Mapping) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_geojson(frame: gpd.GeoDataFrame, path: Path, *, name: str) -> Path:
    path.write_text(dumps(feature_collection(frame, name=name)), encoding="utf-8")
    return path


def flat_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns a GeoPackage can hold: lists joined with '; ', integers nullable."""
    flat = frame.copy()
    for column in flat.columns:
        if column == flat.geometry.name:
            continue
        if flat[column].map(lambda value: isinstance(value, (list, tuple))).any():
            flat[column] = flat[column].map(
                lambda value: "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            )
    return flat


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write every layer into one GeoPackage, deterministically."""
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        for name, frame in layers.items():
            flat = flat_frame(frame)
            if flat.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).any():
                flat = flat.set_geometry(
                    flat.geometry.map(
                        lambda geometry: (
                            shapely.geometry.MultiPolygon([geometry])
                            if geometry is not None and geometry.geom_type == "Polygon"
                            else geometry
                        )
                    )
                )
            # GeoPackage 1.2 opens without a warning in older GDAL (Debian's, QGIS LTR).
            options = {} if path.exists() else {"dataset_options": {"VERSION": "1.2"}}
            pyogrio.write_dataframe(
                flat, path, layer=name, driver="GPKG", append=path.exists(), promote_to_multi=False, **options
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
