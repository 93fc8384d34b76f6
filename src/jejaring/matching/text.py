"""Indonesian-aware text analysis shared by the index and the queries.

read → fold → tokenise → drop stop words → stem (PySastrawi) → add synonym concept tokens.
The same function runs on firm texts and on need texts, so both sides meet on the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

_NON_WORD = re.compile(r"[^a-z0-9]+")
_STOP_TEXT = (
    "dan atau yang di ke dari untuk dengan per pada dalam serta juga kami kita saya ini itu akan "
    "butuh membutuhkan dibutuhkan perlu cari mencari kebutuhan pemasok supplier suppliers need needs "
    "needed looking for of the a an and or to in with from by we our is are be kg ton bulan month "
    "unit pcs buah lembar liter kualitas quality "
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class SynonymGroup:
    """Equivalent terms (already folded) and the concept token that stands for them."""

    token: str
    terms: tuple[str, ...]
    carry: frozenset[str] = frozenset()  # multi-word terms that also mean what each of their words means


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


@lru_cache
def synonym_groups() -> tuple[SynonymGroup, ...]:
    """The synonym groups of ``matching/data/synonyms.txt``."""
    raw = resources.files("jejaring.matching").joinpath("data/synonyms.txt").read_text("utf-8")
    groups = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        terms = tuple(t for t in (fold(p) for p in parts) if t)
        carry = frozenset(fold(p) for p in parts if p.endswith("+"))
        if terms:
            groups.append(SynonymGroup(token="syn" + terms[0].replace(" ", ""), terms=terms, carry=carry))
    return tuple(groups)


@lru_cache
def _phrase_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], set[str]] = {}
    for g in synonym_groups():
        for term in g.terms:
            table.setdefault(tuple(term.split()), set()).add(g.token)
    # "keripik singkong+" is a chip and cassava too; "ubi kayu" (not marked) is not wood
    for g in synonym_groups():
        for term in g.carry:
            for word in term.split():
                table[tuple(term.split())].update(table.get((word,), ()))
    return {k: tuple(sorted(v)) for k, v in table.items()}


@lru_cache
def _max_phrase_len() -> int:
    return max((len(k) for k in _phrase_table()), default=1)


@lru_cache(maxsize=1)
def _stemmer() -> object:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # PySastrawi ships its dictionary

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Indonesian stem of one folded word (numbers and short words unchanged)."""
    if len(word) <= 3 or word.isdigit():
        return word
    stemmed: str = _stemmer().stem(word)  # type: ignore[attr-defined]
    return stemmed or word


def _scan(folded_words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Greedy longest match of synonym terms: (surface term, concept tokens) per position."""
    table = _phrase_table()
    out: list[tuple[str, tuple[str, ...]]] = []
    i, n = 0, len(folded_words)
    while i < n:
        for length in range(min(_max_phrase_len(), n - i), 0, -1):
            hit = table.get(tuple(folded_words[i : i + length]))
            if hit:
                out.append((" ".join(folded_words[i : i + length]), hit))
                i += length
                break
        else:
            out.append((folded_words[i], ()))
            i += 1
    return out


def concepts(folded_words: list[str]) -> list[str]:
    """Synonym concept tokens found in a word sequence (longest multi-word terms first)."""
    return [tok for _, toks in _scan(folded_words) for tok in toks]


@lru_cache(maxsize=200_000)
def analyze(text: str) -> tuple[str, ...]:
    """Index terms of a text: stems of its content words plus its synonym concept tokens.

    A multi-word synonym ("ubi kayu") stands only for its concept, so "kayu" there does not match wood.
    """
    tokens: list[str] = []
    for surface, toks in _scan(fold(text).split()):
        if " " in surface:
            tokens.extend(toks)
        elif surface not in STOP_WORDS and not surface.isdigit():
            tokens.append(stem(surface))
            tokens.extend(toks)
    return tuple(tokens)


def analyzed_text(text: str) -> str:
    """``analyze`` joined by spaces, ready for a whitespace-tokenised index field."""
    return " ".join(analyze(text))


@lru_cache(maxsize=1024)
def _query_terms(query: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(surface term, the index terms that match it) of each distinct word or synonym term of a query."""
    out: dict[str, tuple[str, ...]] = {}
    for surface, toks in _scan(fold(query).split()):
        if surface in out or (" " not in surface and surface in STOP_WORDS):
            continue
        out[surface] = (*toks, stem(surface)) if " " not in surface else toks
    return tuple(out.items())


def matched_terms(query: str, document: str) -> list[str]:
    """Words or synonym terms of ``query`` (as the user wrote them) that the document matches."""
    doc_terms = set(analyze(document))
    return [surface for surface, terms in _query_terms(query) if any(t in doc_terms for t in terms)]


@lru_cache
def _heads() -> dict[str, str]:
    return {g.token: g.terms[0] for g in synonym_groups()}


def canonical_text(text: str) -> str:
    """Folded text with every multi-word synonym replaced by its group's head term ("ubi kayu" → "singkong").

    Sentence embeddings read words, so "ubi kayu" would otherwise sit close to wood ("kayu"); single
    words are kept as written, the multilingual model already maps them across languages.
    """
    out = []
    for surface, toks in _scan(fold(text).split()):
        out.append(_heads()[toks[0]] if (" " in surface and toks) else surface)
    return " ".join(out)


@lru_cache
def _phrase_starts() -> frozenset[str]:
    """First words of the multi-word synonym terms (texts holding one need the full scan)."""
    return frozenset(k[0] for k in _phrase_table() if len(k) > 1)


def _word_terms(word: str) -> str:
    """``analyzed_text`` of a single folded word."""
    return analyzed_text(word)


def fold_column(texts: pl.Series) -> pl.Series:
    """``fold`` over a column, vectorised: NFKD, drop non-ASCII, lower-case, punctuation to single spaces."""
    return (
        texts.fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )


def analyzed_column(texts: pl.Series) -> pl.Series:
    """``analyzed_text`` of every value, for millions of mostly distinct texts (firm names).

    Texts without a multi-word synonym term are analysed word by word over their distinct words;
    the others (and there are few) go through the full scan. Same result as ``analyzed_text``.
    """
    raw = texts.fill_null("")
    words = fold_column(raw).str.split(" ")
    distinct = words.explode().unique()
    distinct = distinct.filter(~distinct.str.contains(r"^[0-9]*$"))  # empty and all-digit words are never terms
    mapping = {w: _word_terms(w) for w in distinct.to_list()}
    simple = (
        words.list.eval(pl.element().replace_strict(mapping, default="", return_dtype=pl.String))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.join(" ")
    )
    needs_scan = words.list.eval(pl.element().is_in(list(_phrase_starts()))).list.any()
    if not needs_scan.any():
        return simple.alias(texts.name)
    scanned = raw.filter(needs_scan).map_elements(analyzed_text, return_dtype=pl.String)
    out = simple.scatter(needs_scan.arg_true(), scanned)
    return out.alias(texts.name)
