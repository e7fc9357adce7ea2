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
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .errors import BuildError
from .fields import unsafe_field_names

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
    if kind is list and all(type(item) is str for item in value):  # sources, figures
        return value
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


def _rounded(coordinates: np.ndarray) -> np.ndarray:
    # + 0.0 turns -0.0 into 0.0, so a coordinate never reads "-0.0".
    return np.round(coordinates, PRECISION) + 0.0


def geometries_json(geometries) -> list[dict | None]:
    """Many geometries as RFC 7946 mappings, in one vectorised pass.

    Outer rings are made counter-clockwise and every coordinate is rounded to
    six decimals (numpy's rounding, the same in every build); an empty or
    missing geometry is ``None``.
    """
    array = np.asarray(geometries, dtype=object)
    missing = shapely.is_missing(array) | shapely.is_empty(array)
    array = np.where(missing, None, array)
    kinds = shapely.get_type_id(array)
    polygons = (kinds == 3) | (kinds == 6)
    if polygons.any():
        array[polygons] = shapely.orient_polygons(array[polygons], exterior_cw=False)
    array = shapely.transform(array, _rounded)
    result: list[dict | None] = [None] * len(array)
    points = np.flatnonzero(kinds == 0)
    if len(points):
        xs = shapely.get_x(array[points]).tolist()
        ys = shapely.get_y(array[points]).tolist()
        for index, x, y in zip(points.tolist(), xs, ys, strict=True):
            result[index] = {"type": "Point", "coordinates": [x, y]}
    for index in np.flatnonzero((kinds > 0) & ~missing).tolist():
        mapping = shapely.geometry.mapping(array[index])
        result[index] = {"type": mapping["type"], "coordinates": mapping["coordinates"]}
    return result


def _column_json(values: pd.Series) -> list:
    """A column's values as JSON values, converted by type where it can be."""
    if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
        return values.astype(bool).tolist()
    if isinstance(values.array, (pd.arrays.IntegerArray, pd.arrays.StringArray)) or (
        pd.api.types.is_string_dtype(values.dtype) and values.dtype != object
    ):
        return values.astype(object).where(values.notna(), None).tolist()
    return [json_value(value) for value in values.tolist()]


#: Rows converted and written at a time, so a large layer never sits in memory
#: as one list of features or one string.
CHUNK_ROWS = 10_000


def _features(frame: gpd.GeoDataFrame, start: int, stop: int) -> list[dict]:
    """The features of rows ``start`` to ``stop``."""
    part = frame.iloc[start:stop]
    columns = [column for column in part.columns if column != part.geometry.name]
    values = [_column_json(part[column]) for column in columns]
    geometries = geometries_json(part.geometry.to_numpy())
    ids = values[columns.index("id")] if "id" in columns else None
    rows = zip(*values, strict=True) if values else [()] * len(geometries)
    features = []
    for number, row in enumerate(rows):
        feature: dict[str, Any] = {"type": "Feature"}
        if ids is not None:
            feature["id"] = ids[number]
        feature["properties"] = dict(zip(columns, row, strict=True))
        feature["geometry"] = geometries[number]
        features.append(feature)
    return features


def _collection_head(frame: gpd.GeoDataFrame, *, name: str) -> dict[str, Any]:
    collection: dict[str, Any] = {"type": "FeatureCollection", "name": name}
    if len(frame) and not frame.geometry.is_empty.all():
        collection["bbox"] = _round(list(frame.total_bounds))
    return collection


def _in_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def feature_collection(frame: gpd.GeoDataFrame, *, name: str) -> dict:
    """A GeoDataFrame as an RFC 7946 FeatureCollection mapping."""
    frame = _in_wgs84(frame)
    collection = _collection_head(frame, name=name)
    collection["features"] = _features(frame, 0, len(frame))
    return collection


def dumps(collection: Mapping) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_geojson(frame: gpd.GeoDataFrame, path: Path, *, name: str) -> Path:
    """Write one layer as an RFC 7946 GeoJSON file, :data:`CHUNK_ROWS` features at a time.

    The bytes are those of ``dumps(feature_collection(frame, name=name))``.

    Raises
    ------
    BuildError
        When a column name is not a safe field name.
    """
    _check_field_names({name: frame.columns}, path)
    frame = _in_wgs84(frame)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    head = encode(_collection_head(frame, name=name))
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(head[:-1] + ',"features":[')
        for start in range(0, len(frame), CHUNK_ROWS):
            if start:
                out.write(",")
            out.write(",".join(encode(feature) for feature in _features(frame, start, start + CHUNK_ROWS)))
        out.write("]}\n")
    return path


def flat_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns a GeoPackage can hold: lists joined with '; ', integers nullable."""
    joined = {}
    for column in frame.columns:
        # Only a column of Python objects can hold lists.
        if column == frame.geometry.name or frame[column].dtype != object:
            continue
        values = frame[column].tolist()
        if any(type(value) in (list, tuple) for value in values):
            joined[column] = [
                "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value for value in values
            ]
    return frame.assign(**joined) if joined else frame.copy()


#: The QGIS convention for styles stored in a GeoPackage (QGIS and QGIS Server
#: read the default style of a layer from here).  Its camelCase column names
#: are QGIS's, not ours: the GeoPackage's one exception to safe field names.
LAYER_STYLES = "layer_styles"


def _geometry_type(geometries: gpd.GeoSeries) -> str:
    kinds = set(geometries.dropna().geom_type)
    return kinds.pop() if len(kinds) == 1 else "Unknown"


def _field_arrays(frame: pd.DataFrame) -> tuple[list[str], list, list]:
    """Columns as the arrays ``pyogrio.raw.write`` takes, each with its null mask.

    A column of ``datetime.date`` values becomes ``datetime64[D]``, which GDAL
    writes as a GeoPackage DATE (``write_dataframe`` would write text).
    """
    names, data, masks = [], [], []
    for column in frame.columns:
        if isinstance(frame, gpd.GeoDataFrame) and column == frame.geometry.name:
            continue
        values = frame[column]
        present = [value for value in values.tolist() if value is not None and value is not pd.NA]
        if present and all(type(value) is dt.date for value in present):
            data.append(np.array([value or "NaT" for value in values.tolist()], dtype="datetime64[D]"))
            masks.append(None)
        elif isinstance(values.array, pd.arrays.IntegerArray):
            data.append(values.to_numpy(dtype="int64", na_value=0))
            masks.append(values.isna().to_numpy())
        elif isinstance(values.array, pd.arrays.BooleanArray):
            data.append(values.to_numpy(dtype=bool, na_value=False))
            masks.append(values.isna().to_numpy())
        else:
            data.append(values.to_numpy())
            masks.append(None)
        names.append(column)
    return names, data, masks


def write_geopackage(
    layers: Mapping[str, gpd.GeoDataFrame], path: Path, *, styles: Mapping[str, str] | None = None
) -> Path:
    """Write every layer into one GeoPackage, deterministically.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        The layers, by name, in file order.
    path : Path
        The GeoPackage; it must not exist yet.
    styles : mapping of str to str, optional
        A QGIS style (QML text) per layer name, written to the ``layer_styles``
        table as each layer's default style.  How layers look is not geo's
        business: the caller makes the QML (see ``posturemap.layers.qgis``).

    Raises
    ------
    BuildError
        When a column name is not a safe field name, or a style names no layer.
    """
    from pyogrio.raw import write

    _check_field_names({name: frame.columns for name, frame in layers.items()}, path)
    unknown = sorted(set(styles or {}) - set(layers))
    if unknown:
        msg = (
            f"styles for {', '.join(unknown)}, but {path.name} has no such layer; "
            f"use one of: {', '.join(layers)}"
        )
        raise BuildError(msg)
    options = {
        "OGR_CURRENT_DATE": FIXED_TIMESTAMP,
        # No fsync and no rollback journal: a build writes into a staging folder
        # that replaces the output only once every file is complete, so a crash
        # never leaves a half-written GeoPackage in the output.  Each layer's
        # commit waited for the disk: 0.8 s of the Niger build's 0.9 s here.
        "OGR_SQLITE_SYNCHRONOUS": "OFF",
        "OGR_SQLITE_JOURNAL": "OFF",
    }
    previous = {option: pyogrio.get_gdal_config_option(option) for option in options}
    pyogrio.set_gdal_config_options(options)
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
            fields, data, masks = _field_arrays(flat)
            # GeoPackage 1.2 opens without a warning in older GDAL (Debian's, QGIS LTR).
            version = {} if path.exists() else {"dataset_options": {"VERSION": "1.2"}}
            write(
                path,
                geometry=shapely.to_wkb(flat.geometry.to_numpy()),
                field_data=data,
                field_mask=masks,
                fields=fields,
                layer=name,
                driver="GPKG",
                geometry_type=_geometry_type(flat.geometry),
                crs=f"EPSG:{flat.crs.to_epsg()}",
                append=path.exists(),
                **version,
            )
        if styles:
            _write_layer_styles(path, styles)
    finally:
        pyogrio.set_gdal_config_options(previous)
    return path


def _write_layer_styles(path: Path, styles: Mapping[str, str]) -> None:
    """The ``layer_styles`` table, one default style per layer, as QGIS writes it."""
    from pyogrio.raw import write

    rows = list(styles.items())
    columns: dict[str, list] = {
        "f_table_catalog": ["" for _ in rows],
        "f_table_schema": ["" for _ in rows],
        "f_table_name": [name for name, _ in rows],
        # pyogrio names every GeoPackage geometry column "geom".
        "f_geometry_column": ["geom" for _ in rows],
        "styleName": [name for name, _ in rows],
        "styleQML": [qml for _, qml in rows],
        "styleSLD": ["" for _ in rows],
        "useAsDefault": [True for _ in rows],
        "description": ["posturemap default style" for _ in rows],
        "owner": ["" for _ in rows],
        "ui": [None for _ in rows],
        # Pinned, like every GeoPackage timestamp here, so rebuilds stay byte-identical.
        "update_time": [np.datetime64(FIXED_TIMESTAMP[:-1], "ms") for _ in rows],
    }
    write(
        path,
        geometry=None,
        field_data=[
            np.array(values) if name != "ui" else np.array(values, dtype=object)
            for name, values in columns.items()
        ],
        fields=list(columns),
        layer=LAYER_STYLES,
        driver="GPKG",
        geometry_type=None,
        append=True,
        # GDAL's code for UTC, so the time is written with its "Z", as GeoPackage asks.
        gdal_tz_offsets={"update_time": np.full(len(rows), 100)},
    )


# Characters XML 1.0 cannot hold at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text that an XML 1.0 document can hold: each character it cannot, U+FFFD.

    XML has no escape for most control characters, so a name holding one would
    make KML or QML that no reader opens; every other character stays as written.

    Examples
    --------
    >>> xml_text("Gao\x01Mali")
    'Gao\ufffdMali'
    """
    return _NOT_XML.sub("\ufffd", text)


def _check_field_names(columns_by_layer: Mapping[str, Any], path: Path) -> None:
    problems = [
        f"{layer}.{name}"
        for layer, columns in columns_by_layer.items()
        for name in unsafe_field_names(str(column) for column in columns if column != "geometry")
    ]
    if problems:
        msg = (
            f"{path.name}: field names {', '.join(problems)} need quoting in SQL; "
            "use lower case [a-z][a-z0-9_]* and no SQL reserved word (see posturemap.geo.fields)"
        )
        raise BuildError(msg)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV with ``\\n`` line ends.

    Raises
    ------
    BuildError
        When a column name is not a safe field name.
    """
    _check_field_names({path.stem: frame.columns}, path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
