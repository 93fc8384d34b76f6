"""Build ``reference/data/kbli_hs2022.csv``: KBLI 2020 five-digit codes (category C) → HS 2022 subheadings.

Method (documented in docs/markets.md), second version:

1. **Chapters.** Each KBLI division (two digits) may only map to the HS chapters in ``DIVISION_CHAPTERS``
   (curated by hand from the ISIC Rev.4 division definitions, which KBLI 2020 follows, and the HS 2022
   chapter titles).
2. **Texts.** A KBLI code is read as (a) its Indonesian title without generic words ("industri",
   "pengolahan", …) and (b) an English query: the HS vocabulary of its title's words from the hand-made
   glossary ``scripts/data/kbli_hs_glossary.csv`` (Indonesian word or phrase → the English words the HS
   nomenclature uses), plus the English title of the code or its nearest ancestor (ISIC). An HS6
   subheading is read as its heading's (HS4) description followed by its own: many subheadings say only
   "Other" or "Fresh or chilled", which means nothing without the heading.
3. **Score** within the allowed chapters: 0.55 × semantic similarity (cosine of the multilingual sentence
   embeddings matching uses, USE multilingual v3: 0.4 × to the Indonesian title + 0.6 × to the English
   query) + 0.45 × lexical overlap: for each glossary entry of the title, the rarest of its English words found
   (stemmed) in the HS heading and subheading text, weighted by inverse document frequency over all HS6
   texts (rare words such as "cigarettes" say more than "oil"), divided by the same sum when every word is found.
4. The five best subheadings are kept; the score is the **confidence**. Division 33 (repair and
   installation) maps to the goods repaired, at half confidence.

This is a machine-made correspondence, not an official BPS table; it is evaluated against a hand-written
held-out set (tests/markets/test_kbli_hs_heldout.py) and users correct product-level codes in the
application.

Run: .venv/bin/python scripts/build_kbli_hs.py  (a few minutes)
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import polars as pl

from jejaring.markets import atlas
from jejaring.matching import embedding

ROOT = Path(__file__).resolve().parents[1]
KBLI = ROOT / "src/jejaring/reference/data/kbli2020_c.csv"
GLOSSARY = ROOT / "scripts/data/kbli_hs_glossary.csv"
OUT = ROOT / "src/jejaring/reference/data/kbli_hs2022.csv"
TOP = 5
W_SEMANTIC, W_LEXICAL = 0.55, 0.45
W_ID, W_EN = 0.4, 0.6
METHOD = "glossary_embedding_within_division_chapters"
DIVISION_CHAPTERS = {
    "10": "02 03 04 07 08 09 10 11 12 13 15 16 17 18 19 20 21 23 25",
    "11": "11 20 22",
    "12": "24",
    "13": "50 51 52 53 54 55 56 57 58 59 60 63",
    "14": "43 61 62 65",
    "15": "41 42 43 64",
    "16": "14 44 45 46",
    "17": "47 48",
    "18": "49 85",
    "19": "27",
    "20": "28 29 31 32 33 34 35 36 38 39 40 54 55",
    "21": "12 13 21 29 30",
    "22": "39 40",
    "23": "25 68 69 70",
    "24": "71 72 73 74 75 76 78 79 80 81",
    "25": "73 76 82 83 84 93",
    "26": "84 85 90 91",
    "27": "73 84 85 94",
    "28": "84",
    "29": "87",
    "30": "86 87 88 89 93",
    "31": "94",
    "32": "53 71 90 92 95 96",
    "33": "84 85 86 88 89 90",
}
# Narrower chapters for the KBLI groups (three digits) whose ISIC Rev.4 group definition covers only part of
# their division's chapters; a group not listed takes its division's. Each is a subset of its division's.
GROUP_CHAPTERS = {
    "101": "02 15 16",  # meat: carcasses, offal, animal fats, meat preparations
    "102": "03 15 16 23",  # fish: fresh and preserved, fish oil, preparations, fish meal
    "103": "07 08 11 12 13 20 21",  # fruit and vegetables
    "104": "12 15 23",  # oils and fats, oil cake
    "105": "04 21",  # dairy, ice cream
    "106": "10 11 17 19 23",  # grain milling, flours, starches, glucose, bran
    "108": "23",  # prepared animal feed
    "131": "50 51 52 53 54 55 58",  # spinning, weaving, finishing: yarns and woven fabrics
    "139": "56 57 58 59 60 63",  # other textiles: knitted fabrics, made-up articles, carpets, cordage
    "141": "61 62 65",  # wearing apparel
    "142": "43",  # articles of fur
    "143": "61 62",  # knitted and crocheted (and embroidered) apparel
    "151": "41 42 43",  # leather, luggage, handbags, saddlery
    "152": "64",  # footwear
    "201": "28 29 31 32 38 39 40",  # basic chemicals, fertilisers, plastics and rubber in primary forms
    "202": "32 33 34 35 36 38",  # other chemical products
    "203": "54 55",  # man-made fibres
    "221": "40",  # rubber products
    "222": "39",  # plastics products
    "231": "70",  # glass and glass products
    "239": "25 68 69",  # other non-metallic mineral products
    "241": "72 73",  # basic iron and steel
    "242": "71 74 75 76 78 79 80 81",  # basic precious and other non-ferrous metals
    "243": "73 74 75 76 78 79 80 81",  # casting of metals
    "251": "73 76 84",  # structural metal products, tanks, steam generators
    "252": "93",  # weapons and ammunition
    "261": "85",  # electronic components
    "262": "84 85",  # computers and peripherals
    "263": "85",  # communication equipment
    "264": "85",  # consumer electronics
    "265": "90 91",  # measuring instruments, watches and clocks
    "266": "90",  # irradiation, electromedical equipment
    "267": "90",  # optical and photographic equipment
    "268": "85",  # magnetic and optical media
    "271": "85",  # motors, generators, transformers
    "272": "85",  # batteries
    "273": "85",  # wiring and wiring devices
    "274": "85 94",  # lighting equipment
    "275": "73 84 85",  # domestic appliances (non-electric stoves are 7321)
    "279": "85",  # other electrical equipment
    "281": "84",  # general-purpose machinery
    "282": "84",  # special-purpose machinery
    "301": "89",  # ships and boats
    "302": "86",  # railway locomotives and rolling stock
    "303": "88",  # aircraft
    "304": "87",  # military fighting vehicles
    "309": "87",  # motorcycles, bicycles, invalid carriages
    "321": "71",  # jewellery
    "322": "92",  # musical instruments
    "323": "95",  # sports goods
    "324": "95",  # games and toys
    "325": "90",  # medical and dental instruments
}
# "bukan X" / "selain X" / "non X": X (with a following "dan Y") is excluded, not wanted.
NEGATIONS = ("bukan", "selain", "non")
NEGATIVE_PENALTY = 0.25
# Ranking: a subheading's score plus this share of its heading's best score, so that the runners-up come from
# the best heading before another heading's near-miss (the headings, not the subheadings, are what is known).
HEADING_WEIGHT = 1.0
GENERIC = re.compile(
    r"\b(industri|pengolahan|kegiatan|pembuatan|barang|produk|lainnya|ytdl|dan|dari|untuk|yang|"
    r"sejenisnya|keperluan|bahan|jasa|atau|serta|termasuk|bukan|selain|dalam|berbagai|macam|aneka)\b",
    re.IGNORECASE,
)


def stem(word: str) -> str:
    """A crude English stem (plural and a few endings), enough to match glossary words to HS text."""
    w = word.lower()
    for suffix in ("ies", "es", "s", "ed", "ing"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def words(text: str) -> set[str]:
    """Stemmed English words of ``text`` (three letters or more)."""
    return {stem(w) for w in re.findall(r"[a-zA-Z]{3,}", text)}


def glossary() -> dict[str, str]:
    """Indonesian word or phrase → English HS vocabulary."""
    with GLOSSARY.open(encoding="utf-8") as f:
        return {r["id"].lower(): r["en"] for r in csv.DictReader(f)}


def translate(title: str, terms: dict[str, str]) -> tuple[list[str], list[str]]:
    """The glossary's English words for a title, longest phrases first (a word is used once), split into the
    wanted ones and the negated ones (the term after "bukan"/"selain"/"non", and a "dan" term right after it)."""
    tokens = re.findall(r"[a-z]+", title.lower())
    wanted: list[str] = []
    negated: list[str] = []
    i = 0
    negate = False
    while i < len(tokens):
        if tokens[i] in NEGATIONS:
            negate, i = True, i + 1
            continue
        for n in (3, 2, 1):
            phrase = " ".join(tokens[i : i + n])
            if len(tokens[i : i + n]) == n and phrase in terms:
                (negated if negate else wanted).append(terms[phrase])
                i += n
                # "bukan besi dan baja": the negation carries over one "dan"
                negate = negate and i < len(tokens) and tokens[i] == "dan"
                i += 1 if negate else 0
                break
        else:
            negate = False
            i += 1
    return wanted, negated


def without_negated(title: str) -> str:
    """The title without its negation words and the word each negates (for the embedding)."""
    return re.sub(r"\b(?:" + "|".join(NEGATIONS) + r")\s+\w+(?:\s+dan\s+\w+)?", " ", title, flags=re.IGNORECASE)


def allowed_chapters(code: str) -> list[str]:
    """The HS chapters a KBLI code may map to: its group's, else its division's."""
    return (GROUP_CHAPTERS.get(code[:3]) or DIVISION_CHAPTERS[code[:2]]).split()


def hs_table() -> pl.DataFrame:
    """hs6 and its text: heading (HS4) description, then the subheading's own."""
    d = atlas.data_dir()
    raw = pl.read_csv(d / "classification/product/hs22.csv", infer_schema=False)
    heads = raw.filter(pl.col("product_level") == "4").select(pl.col("code").alias("hs4"), pl.col("name_en").alias("h"))
    six = atlas.hs6_products().with_columns(pl.col("hs6").str.slice(0, 4).alias("hs4"))
    return six.join(heads, on="hs4", how="left").with_columns(
        pl.concat_str([pl.col("h").fill_null(""), pl.col("name")], separator=": ").alias("text")
    )


def english_context(row: dict[str, str], by_code: dict[str, dict[str, str]]) -> str:
    """The code's English title, else its nearest ancestor's (ISIC class or group)."""
    node: dict[str, str] | None = row
    while node is not None:
        if (node.get("title_en") or "").strip():
            return node["title_en"]
        node = by_code.get(node["parent"])
    return ""


def build() -> list[tuple[str, str, int, float, str]]:
    """Rows (kbli, hs6, rank, confidence, method) of the table, best first per KBLI."""
    rows = list(csv.DictReader(KBLI.open(encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}
    kelompok = [r for r in rows if r["level"] == "kelompok"]
    terms = glossary()
    hs = hs_table()
    codes = hs["hs6"].to_list()
    hs_words = [words(t) for t in hs["text"].to_list()]
    df: dict[str, int] = {}
    for ws in hs_words:
        for x in ws:
            df[x] = df.get(x, 0) + 1
    idf = {x: math.log(len(hs_words) / n) for x, n in df.items()}
    hs_vec = embedding.embed(hs["text"].to_list())
    chapters = np.array([c[:2] for c in codes])
    heading = [c[:4] for c in codes]

    core = [
        re.sub(r"\s+", " ", GENERIC.sub(" ", without_negated(r["title_id"]))).strip() or r["title_id"] for r in kelompok
    ]
    english = [translate(r["title_id"], terms) for r in kelompok]
    queries_en = [
        " ".join([*e, english_context(r, by_code)]).strip() for (e, _), r in zip(english, kelompok, strict=True)
    ]
    v_id = embedding.embed(core)
    v_en = embedding.embed(queries_en)
    out: list[tuple[str, str, int, float, str]] = []
    for k, r in enumerate(kelompok):
        div = r["code"][:2]
        allowed = np.isin(chapters, allowed_chapters(r["code"]))
        semantic = hs_vec @ (W_ID * v_id[k] + W_EN * v_en[k])
        wanted = [words(e) for e in english[k][0]]
        unwanted = set().union(*(words(e) for e in english[k][1])) if english[k][1] else set()
        lexical = np.zeros(len(codes))
        penalty = np.zeros(len(codes))
        full = sum(max((idf.get(x, 0.0) for x in g), default=0.0) for g in wanted)
        for i in np.nonzero(allowed)[0]:
            if full > 0:
                hit = sum(max((idf.get(x, 0.0) for x in g & hs_words[i]), default=0.0) for g in wanted)
                lexical[i] = hit / full
            if unwanted & hs_words[i]:
                penalty[i] = NEGATIVE_PENALTY
        score = np.where(allowed, W_SEMANTIC * semantic + W_LEXICAL * lexical - penalty, -1.0)
        heading_best = pl.DataFrame({"h": heading, "s": score}).select(pl.col("s").max().over("h"))["s"].to_numpy()
        best = np.argsort(-(score + HEADING_WEIGHT * heading_best), kind="stable")[:TOP]
        scale = 0.5 if div == "33" else 1.0
        method = "repair_of_goods" if div == "33" else METHOD
        for rank, i in enumerate(best, start=1):
            conf = min(max(float(score[i]), 0.0), 1.0) * scale
            out.append((r["code"], codes[i], rank, round(conf, 3), method))
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kbli", "hs6", "rank", "confidence", "method"])
        for kbli, hs6, rank, conf, method in build():
            w.writerow([kbli, hs6, rank, f"{conf:.3f}", method])


if __name__ == "__main__":
    main()
