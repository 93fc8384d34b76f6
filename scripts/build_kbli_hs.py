"""Build ``reference/data/kbli_hs2022.csv``: KBLI 2020 five-digit codes (category C) → HS 2022 subheadings.

Method (documented in docs/markets.md): each KBLI division (two digits) may only map to the HS chapters
listed in ``DIVISION_CHAPTERS`` (curated by hand from the ISIC Rev.4 division definitions, which KBLI
2020 follows, and the HS 2022 chapter titles). Within those chapters the HS6 subheadings are ranked by
the cosine similarity of multilingual sentence embeddings (Google USE multilingual v3, the model
matching uses) between the KBLI title and the HS description (English, from atlas-common-data's
hs22.csv): 0.7 × similarity to the title without generic words ("industri", "pengolahan", …) + 0.3 ×
similarity to the full title with its English group/class title. The top five are kept with their similarity
as the confidence; division 33 (repair and installation) maps to the goods it repairs and its
confidence is halved. This is a machine-made draft correspondence, not an official BPS table: the
confidence says how sure it is, and users correct product-level codes in the application.

Run: .venv/bin/python scripts/build_kbli_hs.py  (about two minutes)
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from jejaring.markets import atlas
from jejaring.matching import embedding

ROOT = Path(__file__).resolve().parents[1]
KBLI = ROOT / "src/jejaring/reference/data/kbli2020_c.csv"
OUT = ROOT / "src/jejaring/reference/data/kbli_hs2022.csv"
TOP = 5
DIVISION_CHAPTERS = {
    "10": "02 03 04 07 08 09 11 15 16 17 18 19 20 21 23",
    "11": "20 22",
    "12": "24",
    "13": "50 51 52 53 54 55 56 57 58 59 60 63",
    "14": "43 61 62 65",
    "15": "41 42 43 64",
    "16": "44 45 46",
    "17": "47 48",
    "18": "49 85",
    "19": "27",
    "20": "28 29 31 32 33 34 35 36 38 39 40",
    "21": "13 29 30",
    "22": "39 40",
    "23": "25 68 69 70",
    "24": "71 72 74 75 76 78 79 80 81",
    "25": "73 76 82 83 84 93",
    "26": "84 85 90 91",
    "27": "84 85 94",
    "28": "84",
    "29": "87",
    "30": "86 87 88 89 93",
    "31": "94",
    "32": "71 90 92 95 96",
    "33": "84 85 86 88 89 90",
}


def main() -> None:
    rows = list(csv.DictReader(KBLI.open(encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}
    kelompok = [r for r in rows if r["level"] == "kelompok"]
    hs = atlas.hs6_products()
    codes = hs["hs6"].to_list()
    hs_vec = embedding.embed(hs["name"].to_list())
    chapters = np.array([c[:2] for c in codes])

    def context(r: dict[str, str]) -> str:
        parts = [r["title_id"], r["title_en"]]
        parent = by_code.get(r["parent"])
        while parent and not (parts[-1] or "").strip():
            parts.append(parent["title_en"])
            parent = by_code.get(parent["parent"])
        return ". ".join(p for p in parts if p)

    generic = re.compile(
        r"\b(industri|pengolahan|kegiatan|pembuatan|barang|produk|lainnya|ytdl|dan|dari|untuk|yang|"
        r"sejenisnya|keperluan|bahan|jasa)\b",
        re.IGNORECASE,
    )
    core = [re.sub(r"\s+", " ", generic.sub(" ", r["title_id"])).strip() or r["title_id"] for r in kelompok]
    k_vec = 0.7 * embedding.embed(core) + 0.3 * embedding.embed([context(r) for r in kelompok])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kbli", "hs6", "rank", "confidence", "method"])
        for r, v in zip(kelompok, k_vec, strict=True):
            div = r["code"][:2]
            allowed = np.isin(chapters, DIVISION_CHAPTERS[div].split())
            sims = np.where(allowed, hs_vec @ v, -1.0)
            best = np.argsort(-sims)[:TOP]
            scale = 0.5 if div == "33" else 1.0
            method = "repair_of_goods" if div == "33" else "embedding_within_division_chapters"
            for rank, i in enumerate(best, start=1):
                w.writerow([r["code"], codes[i], rank, f"{max(float(sims[i]), 0.0) * scale:.3f}", method])


if __name__ == "__main__":
    main()
