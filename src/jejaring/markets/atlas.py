"""Real reference data from the ``atlas-common-data`` package (Harvard Growth Lab, Apache-2.0).

Only the package's data files are read (with DuckDB); its Python API, which fetches from the
internet, is never called. What is used: countries (ISO3, M49 number, names), HS 2022 products,
HS 1992 four-digit world export totals, product complexity (PCI) and the product-space layout
(``umap_ps.csv``), bilateral distances and contiguity (CEPII GeoDist, ``geo_dist.csv``), GDP and
population (World Bank WDI cache) and the European Union's members. The package ships no bilateral
flows: those come from BACI files (``baci.py``) or the synthetic generator (``synth.py``).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

EU_GROUP_ID = 952


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """Folder of the package's data files (found without importing the package)."""
    spec = importlib.util.find_spec("atlas_common_data")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the atlas-common-data package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _sql(query: str) -> pl.DataFrame:
    con = duckdb.connect()
    try:
        return con.sql(query).pl()
    finally:
        con.close()


@lru_cache(maxsize=1)
def countries() -> pl.DataFrame:
    """iso3, m49, name, latest GDP (current USD, WDI) and population: one row per country with a GDP."""
    d = data_dir()
    return _sql(
        f"""
        with g as (
          select iso3_code, arg_max(gdp, year) as gdp, arg_max(population, year) as population,
                 max(year) as gdp_year
          from '{d}/cache/wdi_data.parquet' where gdp is not null and gdp > 0 group by 1)
        select c.iso3_code as iso3, c.country_id::integer as m49, c.name_short_en as name,
               g.gdp, g.population, g.gdp_year::integer as gdp_year
        from read_csv('{d}/classification/location/country.csv', all_varchar=true) c
        join g on g.iso3_code = c.iso3_code
        where c.location_level = 'country' and coalesce(c.former_country, 'False') = 'False'
        order by g.gdp desc
        """
    )


@lru_cache(maxsize=1)
def m49_to_iso3() -> dict[int, str]:
    """ISO 3166-1 numeric (M49) code → ISO3, for every country the package knows."""
    d = data_dir()
    rows = _sql(
        f"select country_id::integer as m49, iso3_code as iso3 "
        f"from read_csv('{d}/classification/location/country.csv', all_varchar=true) "
        f"where location_level = 'country' and country_id is not null"
    )
    return dict(zip(rows["m49"].to_list(), rows["iso3"].to_list(), strict=True))


@lru_cache(maxsize=1)
def eu_members() -> frozenset[str]:
    """ISO3 codes of the European Union members (the package's group 952)."""
    d = data_dir()
    rows = _sql(
        f"select c.iso3_code from '{d}/classification/location/group_member.csv' g "
        f"join read_csv('{d}/classification/location/country.csv', all_varchar=true) c "
        f"on c.country_id::integer = g.country_id where g.group_id = {EU_GROUP_ID}"
    )
    return frozenset(rows["iso3_code"].to_list())


@lru_cache(maxsize=1)
def distances() -> pl.DataFrame:
    """exporter, importer (ISO3), population-weighted distance in km (``distw``, else ``dist``), contiguity."""
    d = data_dir()
    return _sql(
        f"select exporter, importer, coalesce(distw, dist)::double as km, contig::integer as contig "
        f"from '{d}/static/geo_dist.csv'"
    )


@lru_cache(maxsize=1)
def hs4_space() -> pl.DataFrame:
    """HS 1992 four-digit products: world exports (USD), PCI, product-space position (x, y) and cluster."""
    d = data_dir()
    return _sql(
        f"select lpad(product_code::varchar, 4, '0') as hs4, total_exports::double as world_exports, "
        f"pci::double as pci, x::double as x, y::double as y, cluster_name_short as cluster "
        f"from read_csv('{d}/classification/raw/umap_ps.csv', all_varchar=true, header=true) "
        f"  as u(product_code, x, y, cluster_name, total_exports, pci, a, b, c, d, cluster_name_short, e, f, g)"
    )


@lru_cache(maxsize=1)
def hs6_products() -> pl.DataFrame:
    """HS 2022 six-digit subheadings: code and English name (the package's ``hs22.csv``)."""
    d = data_dir()
    return _sql(
        f"select code as hs6, name_en as name from read_csv('{d}/classification/product/hs22.csv', all_varchar=true) "
        f"where product_level = '6' and length(code) = 6 and code not like '9999%' and code not like 'XX%' "
        f"order by code"
    )
