"""The other stored figures of the rollup, computed from the same columns as the gaps (``arrays.Arrays``): per
place the IKM with at least one link of each kind (the headline share), and the flows between places.

Places: the nation (``NATION``, place ""), every province, regency and sentra with IKM (summaries) or links
(flows). Grouped passes over arrays, no loop per firm or link.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jejaring.ecosystem.arrays import Arrays
from jejaring.ecosystem.enums import LinkKind, PlaceKind

NATION = "nasional"
MAX_FLOWS = 500  # flows kept per place (the map draws these, largest first)
KINDS = [k.value for k in LinkKind]


def summaries(a: Arrays) -> list[dict[str, Any]]:
    """Rows (place_kind, place, ikm, linked, kinds) for the nation, provinces, regencies and sentra."""
    ikm = a.firms.index[a.firms["ikm"].to_numpy(dtype=bool)].to_numpy()
    links = a.links[a.links["firm_id"].isin(ikm)]
    flags = pd.DataFrame(False, index=pd.Index(ikm), columns=KINDS)
    pairs = links[["firm_id", "kind"]].drop_duplicates()
    pairs = pairs[pairs["kind"].isin(KINDS)]
    rows = flags.index.get_indexer(pairs["firm_id"].to_numpy())
    cols = flags.columns.get_indexer(pairs["kind"].to_numpy())
    values = flags.to_numpy()
    values[rows, cols] = True
    table = pd.DataFrame(values.astype(np.int64), index=flags.index, columns=KINDS)
    table["any"] = values.any(axis=1).astype(np.int64)
    table["ikm"] = 1
    regency = a.firms["regency"].reindex(ikm).to_numpy()
    out: list[dict[str, Any]] = []
    by_regency = table.groupby(regency).sum()
    by_province = by_regency.groupby(by_regency.index.str[:2]).sum()
    out += _rows(NATION, table.sum().to_frame("").T)
    out += _rows(PlaceKind.PROVINCE.value, by_province)
    out += _rows(PlaceKind.REGENCY.value, by_regency)
    m = a.members[a.members["firm_id"].isin(ikm)]
    per_sentra = table.reindex(m["firm_id"].to_numpy()).set_axis(m["sentra_id"].to_numpy()).groupby(level=0).sum()
    per_sentra.index = a.sentra["public_id"].reindex(per_sentra.index).to_numpy()
    out += _rows(PlaceKind.SENTRA.value, per_sentra)
    return out


def _rows(place_kind: str, table: pd.DataFrame) -> list[dict[str, Any]]:
    counts = {k: table[k].to_numpy() for k in (*KINDS, "any", "ikm")}
    return [
        {
            "place_kind": place_kind,
            "place": str(place),
            "ikm": int(counts["ikm"][i]),
            "linked": int(counts["any"][i]),
            "kinds": {k: int(counts[k][i]) for k in KINDS},
        }
        for i, place in enumerate(table.index.tolist())
    ]


def flows(a: Arrays) -> list[dict[str, Any]]:
    """Rows (place_kind, place, source and target regency, kind, links): links from the partner's regency to the
    IKM's regency, where the two differ, for every province, regency and sentra (the largest ``MAX_FLOWS``)."""
    lk = a.links[a.links["firm_id"].isin(a.firms.index)]
    target = a.firms["regency"].reindex(lk["firm_id"].to_numpy()).to_numpy()
    partner = lk["partner"].to_numpy()
    source = a.firms["regency"].reindex(np.where(partner > 0, partner, 0)).to_numpy()
    named = partner < 0
    source[named] = pd.Series(partner[named]).map(a.partner_regions).to_numpy()
    frame = pd.DataFrame({"firm_id": lk["firm_id"].to_numpy(), "source": source, "target": target})
    frame["kind"] = lk["kind"].to_numpy()
    frame = frame[frame["source"].notna() & (frame["source"] != "") & (frame["source"] != frame["target"])]
    frame = frame.astype({"source": str, "target": str})
    out: list[dict[str, Any]] = []
    regency = frame.groupby(["target", "source", "kind"], sort=False).size().rename("links").reset_index()
    regency["place"] = regency["target"]
    province = regency.assign(place=regency["target"].str[:2])
    province = province.groupby(["place", "target", "source", "kind"], sort=False)["links"].sum().reset_index()
    m = a.members.merge(frame, on="firm_id")
    sentra = m.groupby(["sentra_id", "target", "source", "kind"], sort=False).size().rename("links").reset_index()
    sentra["place"] = a.sentra["public_id"].reindex(sentra["sentra_id"].to_numpy()).to_numpy()
    for place_kind, table in ((PlaceKind.PROVINCE, province), (PlaceKind.REGENCY, regency), (PlaceKind.SENTRA, sentra)):
        order = ["place", "links", "target", "source", "kind"]
        top = table.sort_values(order, ascending=[True, False, True, True, True])
        top = top.groupby("place", sort=False).head(MAX_FLOWS)
        out += [
            {
                "place_kind": place_kind.value,
                "place": str(p),
                "source_regency": str(s),
                "target_regency": str(t),
                "kind": str(k),
                "links": int(n),
            }
            for p, s, t, k, n in zip(top["place"], top["source"], top["target"], top["kind"], top["links"], strict=True)
        ]
    return out
