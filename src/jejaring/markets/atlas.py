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


# Territories in the package's list with no people or no goods trade of their own: never economies.
NOT_ECONOMIES = ("ATA", "ATF", "BVT", "HMD", "SGS", "USP", "ANS")
# Economies BACI reports (Western Sahara 732, Wallis and Futuna 876) that the package's location list lacks:
# ISO codes and names from pycountry, subregion by hand. Réunion, Guadeloupe, Martinique, French Guiana
# and Puerto Rico are in GeoDist but BACI counts them within France and the USA, so they are left out.
FROM_PYCOUNTRY = {"ESH": "Northern Africa", "WLF": "Polynesia"}
# GeoDist (CEPII) still uses codes of countries that have since split or been renamed: new code → old one.
GEODIST_OLD = {
    "ROU": "ROM",
    "COD": "ZAR",
    "TLS": "TMP",
    "PSE": "PAL",
    "SRB": "YUG",
    "MNE": "YUG",
    "CUW": "ANT",
    "SXM": "ANT",
    "BES": "ANT",
}
# Economies with no GeoDist row at all: distances and contiguity of a stated neighbour.
GEODIST_PROXY = {"ASM": "WSM", "GUM": "MNP", "SSD": "SDN", "BLM": "AIA", "VAT": "ITA"}


@lru_cache(maxsize=1)
def countries() -> pl.DataFrame:
    """Every economy the package (and pycountry) can support: iso3, m49, name, subregion, GDP (current USD)
    and population with their year and source, best GDP first.

    GDP and population are the latest World Bank WDI figures of the package's cache, else its IMF cache
    (``gdp_source`` ``wdi`` / ``imf``). Where neither has a GDP it is imputed: population × the median GDP
    per head of its World Bank income group in the package (else of its subregion) (``imputed_per_head``),
    or, with no population either (micro-territories), the smallest GDP of any economy (``imputed_smallest``).
    """
    import pycountry

    d = data_dir()
    latest = """select iso3_code, arg_max(gdp, year) filter (where gdp > 0) gdp, max(year) filter (where gdp > 0) gy,
                       arg_max(population, year) filter (where population > 0) pop from '{f}' group by 1"""
    base = _sql(
        f"""
        with wdi as ({latest.format(f=f"{d}/cache/wdi_data.parquet")}),
             imf as ({latest.format(f=f"{d}/cache/imf_data.parquet")}),
             sub as (select country_id, any_value(group_name) filter (where group_type = 'subregion') subregion,
                            any_value(group_name) filter (where group_type = 'wdi_income_level') income
                     from '{d}/classification/location/group_member.csv' group by 1)
        select c.iso3_code iso3, c.country_id::integer m49, c.name_short_en as name, s.subregion,
               coalesce(s.income, s.subregion) as peers,
               coalesce(w.gdp, i.gdp) as gdp, coalesce(w.pop, i.pop) as population,
               coalesce(w.gy, i.gy)::integer as gdp_year,
               case when w.gdp is not null then 'wdi' when i.gdp is not null then 'imf' end gdp_source
        from read_csv('{d}/classification/location/country.csv', all_varchar=true) c
        left join wdi w on w.iso3_code = c.iso3_code left join imf i on i.iso3_code = c.iso3_code
        left join sub s on s.country_id = c.country_id::integer
        where c.location_level = 'country' and coalesce(c.former_country, 'False') = 'False'
        """
    ).filter(~pl.col("iso3").is_in(NOT_ECONOMIES))
    rows = []
    for iso, sub in FROM_PYCOUNTRY.items():
        country = pycountry.countries.get(alpha_3=iso)
        if country is None:
            raise RuntimeError(f"pycountry does not know {iso}")
        rows.append({"iso3": iso, "m49": int(country.numeric), "subregion": sub, "peers": sub, "name": country.name})
    extra = pl.DataFrame(rows)
    c = pl.concat([base, extra], how="diagonal_relaxed")
    per_head = (
        c.filter(pl.col("gdp").is_not_null() & pl.col("population").is_not_null())
        .group_by("peers")
        .agg((pl.col("gdp") / pl.col("population")).median().alias("per_head"))
    )
    smallest = c["gdp"].min()
    return (
        c.join(per_head, on="peers", how="left")
        .with_columns(
            pl.when(pl.col("gdp").is_not_null())
            .then(pl.col("gdp_source"))
            .when(pl.col("population").is_not_null())
            .then(pl.lit("imputed_per_head"))
            .otherwise(pl.lit("imputed_smallest"))
            .alias("gdp_source"),
            pl.coalesce("gdp", pl.col("population") * pl.col("per_head"), pl.lit(smallest)).alias("gdp"),
        )
        .drop("per_head", "peers")
        .sort("gdp", descending=True)
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
    out = dict(zip(rows["m49"].to_list(), rows["iso3"].to_list(), strict=True))
    extra = countries().filter(pl.col("iso3").is_in(list(FROM_PYCOUNTRY)))
    out.update(zip(extra["m49"].to_list(), extra["iso3"].to_list(), strict=True))
    return out


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
    """exporter, importer (ISO3), population-weighted km (``distw``, else ``dist``) and contiguity for every
    ordered pair of ``countries()`` (and each country with itself), from CEPII GeoDist.

    A country GeoDist knows under an older code (``GEODIST_OLD``) or not at all (``GEODIST_PROXY``, a stated
    neighbour) takes that code's rows; two countries read from the same GeoDist code (Serbia and Montenegro,
    or a territory and its proxy) are that code's internal distance apart, not contiguous.
    """
    d = data_dir()
    iso = countries()["iso3"].to_list()
    source = pl.DataFrame({"iso3": iso, "src": [GEODIST_OLD.get(c, GEODIST_PROXY.get(c, c)) for c in iso]})
    raw = _sql(
        f"select exporter, importer, coalesce(distw, dist)::double as km, contig::integer as contig "
        f"from '{d}/static/geo_dist.csv'"
    )
    pairs = (
        source.rename({"iso3": "exporter", "src": "src_e"})
        .join(source.rename({"iso3": "importer", "src": "src_i"}), how="cross")
        .join(raw.rename({"exporter": "src_e", "importer": "src_i"}), on=["src_e", "src_i"], how="left")
        .with_columns(pl.when(pl.col("src_e") == pl.col("src_i")).then(0).otherwise(pl.col("contig")).alias("contig"))
    )
    missing = pairs.filter(pl.col("km").is_null())
    if missing.height:
        raise RuntimeError(f"no GeoDist distance for {missing.height} pairs, e.g. {missing.row(0)}")
    return pairs.select("exporter", "importer", "km", "contig")


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
