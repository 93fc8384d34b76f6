"""Load test of a running Jejaring on this machine: N concurrent clients for T seconds, a fixed mix of pages.

Usage: ``python benchmarks/load_bench.py --base http://127.0.0.1:8000 [--clients 50] [--seconds 60]``.
Bounded: at most 100 clients and 300 s, and only a server on 127.0.0.1 (never someone else's). Prints
requests per second, p50/p95/p99 latency and errors, overall and per kind of request. The mix (issue 23):
home 20 %, firm search 25 %, statistics 15 %, partner search 15 %, firms API 25 %.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections import defaultdict
from urllib.parse import urlparse

import httpx

WORDS = ("roti", "batik", "mebel", "kayu", "keripik", "rotan", "kopi", "tenun", "sepatu", "gula")
MIX: tuple[tuple[str, float], ...] = (
    ("home", 0.20),
    ("firm_search", 0.25),
    ("statistics", 0.15),
    ("partner_search", 0.15),
    ("firms_api", 0.25),
)
MAX_CLIENTS, MAX_SECONDS = 100, 300


def _url(kind: str, rng: random.Random) -> str:
    word = rng.choice(WORDS)
    return {
        "home": "/",
        "firm_search": f"/firms?q={word}",
        "statistics": "/insights",
        "partner_search": f"/match?text=butuh+{word}+100+kg",
        "firms_api": f"/api/v1/firms?q={word}",
    }[kind]


async def _client(
    http: httpx.AsyncClient, end: float, seed: int, out: dict[str, list[float]], errors: dict[str, int]
) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    while time.monotonic() < end:
        kind = rng.choices(kinds, weights)[0]
        t0 = time.perf_counter()
        try:
            r = await http.get(_url(kind, rng))
            ok = r.status_code < 400
        except httpx.HTTPError:
            ok = False
        elapsed = time.perf_counter() - t0
        out[kind].append(elapsed)
        if not ok:
            errors[kind] += 1


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(base: str, clients: int, seconds: float) -> None:
    """Run the load and print the figures."""
    out: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await http.get("/")  # warm up
        started = time.monotonic()
        end = started + seconds
        await asyncio.gather(*(_client(http, end, i, out, errors) for i in range(clients)))
        wall = time.monotonic() - started
    every = [v for values in out.values() for v in values]
    print(f"{base}: {clients} clients, {wall:.0f} s, mix " + ", ".join(f"{k} {w:.0%}" for k, w in MIX))
    print(f"{'kind':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}")
    for kind, _w in MIX:
        v = out[kind]
        print(
            f"{kind:<16}{len(v):>9}{len(v) / wall:>8.1f}{_pct(v, 0.5) * 1e3:>8.0f}"
            f"{_pct(v, 0.95) * 1e3:>8.0f}{_pct(v, 0.99) * 1e3:>8.0f}{errors[kind]:>7}"
        )
    mean = statistics.fmean(every) * 1e3 if every else 0.0
    print(
        f"{'all':<16}{len(every):>9}{len(every) / wall:>8.1f}{_pct(every, 0.5) * 1e3:>8.0f}"
        f"{_pct(every, 0.95) * 1e3:>8.0f}{_pct(every, 0.99) * 1e3:>8.0f}{sum(errors.values()):>7}  (mean {mean:.0f} ms)"
    )


def main() -> None:
    """Parse the arguments (bounded) and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if urlparse(args.base).hostname not in ("127.0.0.1", "localhost"):
        parser.error("only a server on this machine (127.0.0.1) may be loaded")
    asyncio.run(run(args.base, min(args.clients, MAX_CLIENTS), min(args.seconds, MAX_SECONDS)))


if __name__ == "__main__":
    main()
