"""Reading a layer file's attribute field names, without its geometry."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pyogrio

FORMATS = (".geojson", ".json", ".gpkg", ".zip", ".parquet", ".geoparquet")


def layer_field_names(path: Path) -> list[str]:
    """Attribute field names of a layer file, read from its header only (no geometry).

    GeoJSON, GeoPackage, zipped Shapefile (the first ``.shp`` in the zip) and
    GeoParquet. Used to let a person pick the code and name fields before the
    (validated, limited) import reads the whole file. Raises ``ValueError``.
    """
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".geoparquet"):
        schema = pq.read_schema(path)
        return [name for name in schema.names if name != "geometry"]
    source = str(path)
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                shapes = [n for n in archive.namelist() if n.lower().endswith(".shp")]
        except (zipfile.BadZipFile, OSError):
            msg = "zip-filen är skadad"
            raise ValueError(msg) from None
        if not shapes:
            msg = "zip-filen innehåller ingen .shp-fil"
            raise ValueError(msg)
        source = f"/vsizip/{path}/{shapes[0]}"
    elif suffix not in (".geojson", ".json", ".gpkg"):
        msg = (
            f"okänt filformat {suffix!r}: "
            "använd GeoJSON, GeoPackage, zippad Shapefile eller GeoParquet"
        )
        raise ValueError(msg)
    expected = "ESRI Shapefile" if suffix == ".zip" else "GPKG" if suffix == ".gpkg" else "GeoJSON"
    try:
        info = pyogrio.read_info(source)
    except Exception as error:  # pyogrio raises several driver-specific errors
        msg = f"filen gick inte att läsa som kartlager ({type(error).__name__})"
        raise ValueError(msg) from None
    # GDAL picks the driver from the content: a VRT behind a .geojson name could
    # read other files on the server. Only the format the name promises is accepted.
    if info.get("driver") != expected:
        msg = f"filen är inte {expected} som namnet säger"
        raise ValueError(msg)
    return [str(name) for name in info["fields"]]
