"""The linkage graph's one network measure (articulation points: ``mitra_kritis``) in three graph libraries,
on the same edge list, in the same run.

    .venv/bin/python benchmarks/ecosystem_graphs.py --firms 440000 [--firms 4400000]

The edges are those of a random network shaped like the synthetic nation (``ecosystem/randomnet.py``:
N IKM, N/30 partners, 0.3·N links plus the sentra's). For each library: seconds to build the graph from
integer edge arrays and to find the articulation points; the three answers must be the same set.
rustworkx is what ``ecosystem/arrays.py`` uses; networkx (pure Python) and igraph (C core) are the
alternatives (both dev dependencies, for this comparison only).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

import numpy as np


def edges(n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Deduplicated undirected edges (0-based node indices) of the random network, and the node count."""
    from jejaring.ecosystem import arrays, randomnet

    a, _ = randomnet.random_arrays(n, seed=5)
    g, nodes = arrays.graph(a.links)
    pairs = np.array(g.edge_list(), dtype=np.int64)
    return pairs[:, 0], pairs[:, 1], len(nodes)


def run(n: int) -> bool:
    src, dst, nodes = edges(n)
    print(f"{n:,} IKM: graph of {nodes:,} nodes and {len(src):,} edges")
    answers: dict[str, set[int]] = {}

    import rustworkx as rx

    t0 = time.perf_counter()
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(nodes))
    g.extend_from_edge_list(list(zip(src.tolist(), dst.tolist(), strict=True)))
    t1 = time.perf_counter()
    answers["rustworkx"] = set(rx.articulation_points(g))
    t2 = time.perf_counter()
    rx_version = getattr(rx, "__version__", "?")
    print(f"  rustworkx {rx_version:>8}: build {t1 - t0:6.2f} s, articulation points {t2 - t1:6.2f} s")
    del g
    gc.collect()

    import igraph as ig

    t0 = time.perf_counter()
    h = ig.Graph(n=nodes, edges=np.column_stack([src, dst]), directed=False)
    t1 = time.perf_counter()
    answers["igraph"] = set(h.articulation_points())
    t2 = time.perf_counter()
    print(f"  igraph    {ig.__version__:>8}: build {t1 - t0:6.2f} s, articulation points {t2 - t1:6.2f} s")
    del h
    gc.collect()

    import networkx as nx

    t0 = time.perf_counter()
    x: nx.Graph = nx.Graph()
    x.add_nodes_from(range(nodes))
    x.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    t1 = time.perf_counter()
    answers["networkx"] = set(nx.articulation_points(x))
    t2 = time.perf_counter()
    print(f"  networkx  {nx.__version__:>8}: build {t1 - t0:6.2f} s, articulation points {t2 - t1:6.2f} s")
    same = len({frozenset(v) for v in answers.values()}) == 1
    print(f"  articulation points: {len(answers['rustworkx']):,}; the three libraries agree: {same}")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, action="append", help="IKM in the random network (repeatable)")
    args = parser.parse_args()
    ok = all([run(n) for n in args.firms or [440_000]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
