"""Indonesian business names, owners and addresses, drawn in bulk (numpy indices, polars strings)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl


@lru_cache
def vocab() -> dict[str, Any]:
    """The names vocabulary (``data/names.toml``)."""
    raw = resources.files("jejaring.synth").joinpath("data/names.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def concat(parts: list[pl.Series | pl.Expr], separator: str = "") -> pl.Series:
    """Element-wise concatenation of equally long string Series."""
    return pl.select(pl.concat_str(parts, separator=separator)).to_series()


def pick(rng: np.random.Generator, items: list[str] | tuple[str, ...], n: int) -> pl.Series:
    """``n`` uniform draws from ``items`` as a string Series."""
    return pl.Series(list(items), dtype=pl.String).gather(rng.integers(0, len(items), n))


def pick_distinct(rng: np.random.Generator, items: list[str], n: int, k: int) -> list[pl.Series]:
    """``k`` draws per row from ``items``, never the same item twice in a row (needs ``len(items) > k``)."""
    series = pl.Series(list(items), dtype=pl.String)
    m = len(items)
    first = rng.integers(0, m, n)
    # k−1 distinct offsets in 1..m−1: sorted draws from 0..m−k, spread by +j, shifted by 1
    steps = np.sort(rng.integers(0, m - k + 1, size=(n, k - 1)), axis=1) + np.arange(k - 1) + 1
    out = [series.gather(first)]
    for j in range(k - 1):
        out.append(series.gather((first + steps[:, j]) % m))
    return out


@dataclass(frozen=True)
class _Flat:
    """Per-culture lists flattened into one array, with offsets and sizes per culture."""

    items: pl.Series
    offset: np.ndarray
    size: np.ndarray

    def draw(self, rng: np.random.Generator, culture: np.ndarray) -> pl.Series:
        idx = self.offset[culture] + (rng.random(len(culture)) * self.size[culture]).astype(np.int64)
        return self.items.gather(idx)


@lru_cache
def cultures() -> tuple[str, ...]:
    """Culture names, in file order."""
    return tuple(vocab()["cultures"])


@lru_cache
def _flat(key: str) -> _Flat:
    items: list[str] = []
    offset, size = [], []
    for c in cultures():
        lst = vocab()["cultures"][c].get(key) or [""]
        offset.append(len(items))
        size.append(len(lst))
        items.extend(lst)
    return _Flat(pl.Series(items, dtype=pl.String), np.array(offset), np.array(size))


def culture_weights(province_code: str) -> np.ndarray:
    """Mixture of cultures for owners in a province."""
    mix = vocab()["province_cultures"][province_code]
    w = np.array([mix.get(c, 0.0) for c in cultures()], dtype=float)
    return np.asarray(w / w.sum())


@dataclass
class Owners:
    """Owners drawn for a batch of firms."""

    culture: np.ndarray
    female: np.ndarray
    name: pl.Series
    short: pl.Series
    honorific: pl.Series


def owners(rng: np.random.Generator, province_code: str, n: int) -> Owners:
    """Owner names following each culture's custom (given + second or family name)."""
    culture = rng.choice(len(cultures()), size=n, p=culture_weights(province_code))
    female = rng.random(n) < 0.42
    given = pl.select(
        pl.when(pl.lit(female)).then(_flat("female").draw(rng, culture)).otherwise(_flat("male").draw(rng, culture))
    ).to_series()
    has_family = np.array(["family" in vocab()["cultures"][c] for c in cultures()])[culture]
    second = pl.select(
        pl.when(pl.lit(has_family))
        .then(_flat("family").draw(rng, culture))
        .otherwise(_flat("second").draw(rng, culture))
    ).to_series()
    second_prob = np.array([vocab()["cultures"][c].get("second_prob", 0.55) for c in cultures()])[culture]
    use_second = has_family | (rng.random(n) < second_prob)
    name = pl.select(
        pl.when(pl.lit(use_second)).then(pl.concat_str([given, second], separator=" ")).otherwise(given)
    ).to_series()
    last_given = given.str.split(" ").list.last()
    short = pl.select(pl.when(pl.lit(has_family)).then(second).otherwise(last_given)).to_series()
    honorific = pl.select(
        pl.when(pl.lit(female))
        .then(_flat("honorific_female").draw(rng, culture))
        .otherwise(_flat("honorific_male").draw(rng, culture))
    ).to_series()
    return Owners(culture, female, name, short, honorific)


def business_names(rng: np.random.Generator, name_word: pl.Series, own: Owners) -> pl.Series:
    """Business names in four common styles.

    0 legal form + auspicious words ("UD Sumber Rejeki"), 1 product + honorific + owner ("Tahu Pak
    Darto"), 2 product + words ("Batik Sekar Arum"), 3 legal form + product + words.
    """
    n = len(name_word)
    b = vocab()["business"]
    words = b["words"]
    w1, w2, w3 = pick_distinct(rng, words, n, 3)
    three = rng.random(n) < 0.2
    core = pl.select(
        pl.when(pl.lit(three))
        .then(pl.concat_str([w1, w2, w3], separator=" "))
        .otherwise(pl.concat_str([w1, w2], separator=" "))
    ).to_series()
    legal_idx = rng.choice(len(b["legal_forms"]), size=n, p=np.array(b["legal_weights"]) / sum(b["legal_weights"]))
    legal = pl.Series(b["legal_forms"], dtype=pl.String).gather(legal_idx)
    style = rng.choice(4, size=n, p=[0.34, 0.3, 0.26, 0.1])
    style = np.where((style == 0) & (legal_idx == 0), 2, style)
    accented = rng.random(n) < 0.004
    accent = pick(rng, b["accented"], n)
    frame = pl.DataFrame({"style": style, "legal": legal, "word": name_word, "core": core, "w1": w1})
    frame = frame.with_columns(hon=own.honorific, short=own.short, accented=accented, accent=accent)
    legal_prefix = pl.when(pl.col("legal") == "").then(pl.lit("")).otherwise(pl.col("legal") + " ")
    out = frame.select(
        pl.when(pl.col("style") == 0)
        .then(legal_prefix + pl.col("core"))
        .when(pl.col("style") == 1)
        .then(pl.concat_str([pl.col("word"), pl.col("hon"), pl.col("short")], separator=" "))
        .when(pl.col("style") == 2)
        .then(pl.concat_str([pl.col("word"), pl.col("core")], separator=" "))
        .otherwise(legal_prefix + pl.concat_str([pl.col("word"), pl.col("w1")], separator=" "))
        .alias("name")
    ).to_series()
    return pl.select(
        pl.when(pl.lit(accented)).then(pl.concat_str([accent, out], separator=" ")).otherwise(out)
    ).to_series()


def addresses(rng: np.random.Generator, desa: pl.Series, culture: np.ndarray) -> pl.Series:
    """Street addresses with RT/RW: "Jl. Diponegoro No. 12 RT 003/RW 005", "Dusun Krajan RT 002/RW 001", …"""
    n = len(desa)
    s = vocab()["streets"]
    street = pick(rng, s["names"], n)
    number = pl.Series(rng.integers(1, 200, n)).cast(pl.String)
    rt = pl.Series(rng.integers(1, 16, n)).cast(pl.String).str.zfill(3)
    rw = pl.Series(rng.integers(1, 9, n)).cast(pl.String).str.zfill(3)
    dusun = _flat("dusun").draw(rng, culture)
    unit = pl.Series([vocab()["cultures"][c]["unit_word"] for c in cultures()], dtype=pl.String).gather(culture)
    gang = pick(rng, s["gang"], n)
    perum = pick(rng, s["perum"], n)
    block = pl.Series(rng.integers(0, 8, n)).replace_strict(dict(enumerate("ABCDEFGH")), return_dtype=pl.String)
    style = rng.choice(5, size=n, p=[0.4, 0.25, 0.15, 0.12, 0.08])
    has_rt = rng.random(n) < 0.8
    frame = pl.DataFrame(
        {"style": style, "street": street, "no": number, "rt": rt, "rw": rw, "dusun": dusun, "unit": unit}
    ).with_columns(desa=desa, gang=gang, perum=perum, block=block, has_rt=has_rt)
    base = (
        pl.when(pl.col("style") == 0)
        .then(pl.concat_str([pl.lit("Jl. "), pl.col("street"), pl.lit(" No. "), pl.col("no")]))
        .when((pl.col("style") == 1) & (pl.col("dusun") != ""))
        .then(pl.concat_str([pl.col("unit"), pl.col("dusun")], separator=" ").str.strip_chars())
        .when(pl.col("style") == 2)
        .then(pl.concat_str([pl.lit("Jl. Raya "), pl.col("desa")]))
        .when(pl.col("style") == 3)
        .then(
            pl.concat_str(
                [pl.lit("Jl. "), pl.col("street"), pl.lit(" Gg. "), pl.col("gang"), pl.lit(" No. "), pl.col("no")]
            )
        )
        .otherwise(pl.concat_str([pl.lit("Perum "), pl.col("perum"), pl.lit(" Blok "), pl.col("block"), pl.col("no")]))
    )
    rtrw = pl.concat_str([pl.lit(" RT "), pl.col("rt"), pl.lit("/RW "), pl.col("rw")])
    return frame.select(pl.when(pl.col("has_rt")).then(base + rtrw).otherwise(base).alias("alamat")).to_series()
