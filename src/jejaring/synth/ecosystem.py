"""The rest of the ecosystem: large industry, suppliers, distributors, after-sales, exporters, financiers;
needs and offers; and a history of linkages and partnerships with IKM."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from jejaring.reference import catalog
from jejaring.synth import calibration, geo, kbli_mix, names, planted, products

if TYPE_CHECKING:
    from jejaring.synth.plan import NationalPlan
    from jejaring.synth.reports import ProvinceResult

# Firms per role at scale 1 (assumptions, see docs/synth.md); large industry follows the calibration.
ROLE_UNITS = {
    "pemasok_bahan_baku": 45_000,
    "distributor": 60_000,
    "layanan_purna_jual": 12_000,
    "eksportir": 8_000,
    "lembaga_keuangan": 2_500,
}
ROLE_FILES = ("industri_besar", *ROLE_UNITS)  # ekosistem/perusahaan_<role>.csv, in the order they are loaded
ROLE_WORDS = {
    "industri_besar": ("Industri", "Manufacturing", "Tbk", "Indonesia", "Nusantara"),
    "pemasok_bahan_baku": ("Bahan Baku", "Supplier", "Trading", "Niaga"),
    "distributor": ("Distributor", "Niaga", "Dagang", "Logistik"),
    "layanan_purna_jual": ("Servis", "Teknik", "Service Center", "Bengkel"),
    "eksportir": ("Ekspor", "Export", "International", "Global"),
    "lembaga_keuangan": ("BPR", "Koperasi Simpan Pinjam", "Modal Ventura", "Fintech", "Bank"),
}
RAW_MATERIALS = {
    "10": "tepung terigu|gula pasir|kedelai|minyak goreng|kemasan plastik",
    "11": "gula|botol plastik|galon",
    "13": "benang katun|kain mori|pewarna alami|malam batik",
    "14": "kain katun|kain rayon|benang jahit|kancing",
    "15": "kulit sapi samak|lem sepatu|sol karet",
    "16": "kayu jati|rotan|bambu|pandan",
    "23": "tanah liat|pasir|semen",
    "25": "plat besi|besi siku|kawat las",
    "31": "kayu jati|kayu mahoni|rotan|busa",
    "32": "perak|manik-manik|kerang",
}
# Typical large-industry products (KBLI), e.g. flour, sugar, cooking oil, soft drinks, textiles, cement.
LARGE_CODES = (
    "10611",
    "10616",
    "10721",
    "10437",
    "10510",
    "10531",
    "10761",
    "11040",
    "11051",
    "12013",
    "13112",
    "13121",
    "14111",
    "15202",
    "16211",
    "17012",
    "17021",
    "20231",
    "20232",
    "21012",
    "22111",
    "22220",
    "23941",
    "24101",
    "25111",
    "26120",
    "27320",
    "28210",
    "29101",
    "29300",
    "30911",
    "30912",
    "31001",
    "10710",
    "10750",
)
SERVICES = (
    "servis mesin produksi",
    "perbaikan mesin jahit",
    "kalibrasi timbangan",
    "servis oven dan mixer",
    "perawatan mesin pengering",
    "suku cadang dan servis diesel",
)
FINANCE = (
    "KUR mikro",
    "KUR kecil",
    "kredit modal kerja",
    "pembiayaan syariah",
    "modal ventura",
    "pinjaman koperasi",
    "anjak piutang",
)
PARTNER_DIVISIONS = {
    "10": 0.25,
    "11": 0.03,
    "12": 0.04,
    "13": 0.06,
    "14": 0.08,
    "15": 0.05,
    "16": 0.04,
    "17": 0.04,
    "20": 0.06,
    "21": 0.02,
    "22": 0.06,
    "23": 0.04,
    "24": 0.03,
    "25": 0.04,
    "26": 0.03,
    "27": 0.03,
    "28": 0.02,
    "29": 0.05,
    "30": 0.02,
    "31": 0.03,
    "32": 0.02,
}


@dataclass
class LargeIndustry:
    """Counts of what the ecosystem step wrote."""

    units: int
    workers: int
    firms: int
    files: list[str] = field(default_factory=list)


def _locations(rng: np.random.Generator, n: int, shares: dict[str, float]) -> pl.DataFrame:
    regs = catalog.regencies()
    pop = geo.regency_population()
    w = np.array([shares.get(r["province_code"], 0) * pop.get(r["code"], 1.0) for r in regs])
    pick = rng.choice(len(regs), size=n, p=w / w.sum())
    return pl.DataFrame(
        {
            "kode_wilayah": [regs[i]["code"] for i in pick],
            "kabupaten_kota": [regs[i]["name"] for i in pick],
            "latitude": np.round([regs[i]["latitude"] + rng.normal(0, 0.03) for i in pick], 6),
            "longitude": np.round([regs[i]["longitude"] + rng.normal(0, 0.03) for i in pick], 6),
        }
    )


def _role_product(rng: np.random.Generator, role: str, code: str) -> str:
    phrase = products.row_for(code).phrases[int(rng.integers(len(products.row_for(code).phrases)))]
    if role == "pemasok_bahan_baku":
        items = RAW_MATERIALS.get(code[:2], "bahan baku|kemasan").split("|")
        return items[int(rng.integers(len(items)))]
    if role == "distributor":
        return f"distribusi {phrase}"
    if role == "layanan_purna_jual":
        return SERVICES[int(rng.integers(len(SERVICES)))]
    if role == "eksportir":
        return f"ekspor {phrase}"
    if role == "lembaga_keuangan":
        return FINANCE[int(rng.integers(len(FINANCE)))]
    return phrase


def _firms(rng: np.random.Generator, role: str, n: int, prefix: str, shares: dict[str, float]) -> pl.DataFrame:
    codes, w = kbli_mix.national_weights()
    if role == "industri_besar":
        pool = [c for c in LARGE_CODES if c in codes]
        chosen = [pool[i] for i in rng.integers(0, len(pool), n)]
    else:
        div = np.array([c[:2] for c in codes])
        dw = np.array([PARTNER_DIVISIONS.get(d, 0.002) for d in div]) * np.sqrt(w + 1e-6)
        chosen = [codes[i] for i in rng.choice(len(codes), size=n, p=dw / dw.sum())]
    words = names.vocab()["business"]["words"]
    core = names.concat([*names.pick_distinct(rng, words, n, 2), names.pick(rng, ROLE_WORDS[role], n)], " ")
    legal = "PT " if role in ("industri_besar", "eksportir") else ""
    frame = _locations(rng, n, shares).with_columns(
        entity_id=pl.Series([f"{prefix}-{i + 1:06d}" for i in range(n)]),
        nama_usaha=pl.lit(legal) + core,
        peran=pl.lit(role),
        kbli=pl.Series(chosen, dtype=pl.String),
        produk=pl.Series([_role_product(rng, role, c) for c in chosen], dtype=pl.String),
        nib=pl.Series(rng.integers(10**12, 10**13 - 1, n)).cast(pl.String),
    )
    return frame


def _large_output(seed: np.random.SeedSequence, workers: np.ndarray, ikm_output: int) -> np.ndarray:
    """Output per large firm (Rupiah/year) so that IKM hold the calibrated share of industry output.

    Spread by workforce with log-normal productivity; its own random stream leaves the rest unchanged.
    """
    share = float(calibration.facts()["national"]["ikm_share_of_industry_output"])
    total = ikm_output * (1 - share) / share
    own = np.random.SeedSequence(entropy=seed.entropy, spawn_key=(*seed.spawn_key, 7919))
    weight = workers * np.exp(np.random.default_rng(own).normal(0, 0.5, len(workers)))
    return np.asarray(np.round(total * weight / weight.sum() / 1e6).astype(np.int64) * 1_000_000)


def generate(np_: NationalPlan, results: list[ProvinceResult], out: Path) -> LargeIndustry:
    """Write ``ekosistem/`` (firms by role, needs, offers, linkages, partnerships)."""
    rng = np.random.default_rng(np_.ecosystem_seed)
    t = np_.targets
    shares = calibration.province_unit_shares()
    eco = out / "ekosistem"
    eco.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    large = _firms(rng, "industri_besar", t.large_units, "IB", shares)
    lw = np.maximum(20, np.round(np.exp(rng.normal(np.log(350), 1.0, t.large_units)))).astype(np.int64)
    lw = _fix_total(rng, lw, t.large_workers)
    inv = (np.exp(rng.normal(np.log(60e9), 1.0, t.large_units)) + 15.5e9).astype(np.int64) // 10**6 * 10**6
    large = large.with_columns(
        tenaga_kerja=pl.Series(lw),
        nilai_investasi=pl.Series(inv),
        nilai_produksi=pl.Series(_large_output(np_.ecosystem_seed, lw, sum(r.production for r in results))),
        size_class=pl.lit("besar"),
    )
    frames = {"industri_besar": large}
    for i, (role, base) in enumerate(ROLE_UNITS.items()):
        n = max(3, round(base * t.scale))
        frames[role] = _firms(rng, role, n, f"E{i + 1}", shares)
    partners = pl.concat([r.partners for r in results])
    exchanges = _exchanges(rng, partners, frames)
    frames, exchanges = planted.plant(np_.ecosystem_seed, frames, exchanges, out, t.scale)
    files.append("ground_truth/ecosystem_gaps.csv")
    for role, f in frames.items():
        path = f"ekosistem/perusahaan_{role}.csv"
        f.write_csv(out / path)
        files.append(path)
    for name, frame in exchanges.items():
        path = f"ekosistem/{name}.csv"
        frame.write_csv(out / path)
        files.append(path)
    return LargeIndustry(t.large_units, int(lw.sum()), sum(len(f) for f in frames.values()), files)


def _fix_total(rng: np.random.Generator, w: np.ndarray, target: int) -> np.ndarray:
    if target <= 0:
        return w
    w = np.maximum(20, np.round(w * target / w.sum())).astype(np.int64)
    gap = target - int(w.sum())
    idx = rng.choice(len(w), size=abs(gap), replace=True)
    np.add.at(w, idx, 1 if gap > 0 else -1)
    return np.asarray(np.maximum(w, 20))


def _exchanges(rng: np.random.Generator, ikm: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    n = len(ikm)
    large = frames["industri_besar"]
    div = ikm["kbli"].str.slice(0, 2)
    raw = div.replace_strict(RAW_MATERIALS, default="bahan baku|kemasan")
    raw_item = raw.str.split("|").list.get(0)
    need_kind = rng.choice(["bahan_baku", "pembeli", "purna_jual"], size=n, p=[0.5, 0.35, 0.15])
    needs_ikm = pl.DataFrame(
        {
            "need_id": [f"N-I-{i + 1:07d}" for i in range(n)],
            "entity_id": ikm["entity_id"],
            "nama_usaha": ikm["nama_usaha"],
            "peran": "ikm",
            "jenis": need_kind,
            "kbli": ikm["kbli"],
            "uraian": pl.select(
                pl.when(pl.lit(need_kind == "bahan_baku"))
                .then(raw_item)
                .when(pl.lit(need_kind == "pembeli"))
                .then(pl.lit("pembeli untuk ") + ikm["produk"])
                .otherwise(pl.lit("mitra servis mesin produksi"))
            ).to_series(),
            "volume": rng.integers(10, 5000, n),
            "satuan": "kg",
            "kode_wilayah": ikm["kode_wilayah"],
        }
    )
    m = len(large)
    need_large = pl.DataFrame(
        {
            "need_id": [f"N-B-{i + 1:06d}" for i in range(m)],
            "entity_id": large["entity_id"],
            "nama_usaha": large["nama_usaha"],
            "peran": "industri_besar",
            "jenis": "pemasok",
            "kbli": large["kbli"],
            "uraian": names.concat([pl.lit("pemasok "), ikm["produk"].gather(rng.integers(0, n, m))])
            if n
            else "pemasok",
            "volume": rng.integers(1000, 100_000, m),
            "satuan": "pcs",
            "kode_wilayah": large["kode_wilayah"],
        }
    )
    offers = pl.DataFrame(
        {
            "offer_id": [f"O-{i + 1:07d}" for i in range(n)],
            "entity_id": ikm["entity_id"],
            "nama_usaha": ikm["nama_usaha"],
            "peran": "ikm",
            "jenis": "produk",
            "kbli": ikm["kbli"],
            "uraian": ikm["produk"],
            "kapasitas_per_bulan": rng.integers(50, 20_000, n),
            "kode_wilayah": ikm["kode_wilayah"],
        }
    )
    links = []
    for kind, role in (
        ("bahan_baku", "pemasok_bahan_baku"),
        ("pemasaran", "distributor"),
        ("purna_jual", "layanan_purna_jual"),
        ("pembiayaan", "lembaga_keuangan"),
        ("ekspor", "eksportir"),
    ):
        other = frames[role]
        k = n // 2
        if k == 0 or len(other) == 0:
            continue
        a = rng.choice(n, size=k)
        b = rng.choice(len(other), size=k)
        links.append(
            pl.DataFrame(
                {
                    "ikm_entity_id": ikm["entity_id"].gather(a),
                    "mitra_entity_id": other["entity_id"].gather(b),
                    "jenis": kind,
                    "tahun": rng.integers(2018, 2024, k),
                    "nilai_rp": rng.integers(5, 500, k) * 1_000_000,
                }
            )
        )
    patterns = [p["code"] for p in catalog.partnership_patterns()]
    k = max(1, n // 4) if n and len(large) else 0
    a, b = rng.choice(max(n, 1), size=k), rng.choice(max(len(large), 1), size=k)
    start = rng.integers(2016, 2024, k)
    status = rng.choice(["aktif", "selesai", "batal"], size=k, p=[0.45, 0.45, 0.1])
    kemitraan = pl.DataFrame(
        {
            "kemitraan_id": [f"K-{i + 1:06d}" for i in range(k)],
            "industri_besar_entity_id": large["entity_id"].gather(b) if k else [],
            "ikm_entity_id": ikm["entity_id"].gather(a) if k else [],
            "pola": rng.choice(patterns, size=k, p=_pattern_weights(patterns)),
            "produk": ikm["produk"].gather(a) if k else [],
            "mulai": start,
            "selesai": pl.select(
                pl.when(pl.lit(status == "aktif")).then(None).otherwise(pl.lit(start + rng.integers(1, 4, k)))
            ).to_series(),
            "status": status,
            "nilai_kontrak_rp": rng.integers(10, 2000, k) * 1_000_000,
        },
        strict=False,
    )
    return {
        "kebutuhan": pl.concat([needs_ikm, need_large], how="vertical_relaxed"),
        "penawaran": offers,
        "keterkaitan": pl.concat(links) if links else pl.DataFrame(),
        "kemitraan": kemitraan,
    }


def _pattern_weights(patterns: list[str]) -> np.ndarray:
    w = np.array(
        [{"rantai_pasok": 4, "subkontrak": 3, "perdagangan_umum": 3, "inti_plasma": 2}.get(p, 1) for p in patterns],
        dtype=float,
    )
    return np.asarray(w / w.sum())
