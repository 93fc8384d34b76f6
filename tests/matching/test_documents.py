"""The column-wise reader of index documents, on SQLite and PostgreSQL."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from jejaring.accounts.roles import system_actor
from jejaring.core.db import session_scope
from jejaring.matching import documents, service
from jejaring.matching.index import FRAME_SCHEMA, IndexDoc
from jejaring.matching.schemas import OfferIn
from jejaring.partnerships.models import Partnership
from jejaring.reference import wilayah
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm, Product
from jejaring.registry.schemas import FirmCreate
from tests.matching.conftest import Corpus


def _doc(frame: pl.DataFrame, public_id: str) -> IndexDoc:
    return IndexDoc.from_json(frame.filter(pl.col("public_id") == public_id).row(0, named=True))


def test_frames_carry_every_field_the_ranking_reads(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        service.create_offer(
            s,
            actor=system_actor("cli"),
            data=OfferIn(
                firm=corpus.keys["g2"], title="gula semut", quantity=10, unit="ton", min_order=2, target_regions=["34"]
            ),
        )
        firm = registry_service.create_firm(
            s,
            data=FirmCreate(
                name="Mebel Jati Lestari",
                regency_code="33.20",
                latitude=-6.59,
                longitude=110.67,
                products="kursi jati",
                capacity=40,
                capacity_unit="set",
            ),
        )
        s.add(Product(firm_id=firm.id, description="meja makan jati", hs_codes="940360;9403"))
        s.flush()
        big, small = (s.scalar(select(Firm).where(Firm.public_id == corpus.keys[k])) for k in ("d7", "c7"))
        assert big is not None and small is not None
        for status in ("aktif", "usulan"):  # only a realised partnership is a track record
            s.add(
                Partnership(
                    public_id=f"K-{status}",
                    title="Pasokan keripik",
                    pattern_code="perdagangan_umum",
                    larger_firm_id=big.id,
                    smaller_firm_id=small.id,
                    proposer_firm_id=big.id,
                    status=status,
                    province_code=small.province_code,
                )
            )
        merged = s.scalar(select(Firm).where(Firm.public_id == corpus.keys["c1"]))
        assert merged is not None
        merged.status = "merged"
        firm_id = firm.id
    with session_scope(engine) as s:
        frames = list(documents.iter_all_frames(s, batch=25))
    assert [len(f) for f in frames] == [25, 25, 25, 25, 22]  # 122 firms, one merged, one added
    for frame in frames:
        assert dict(frame.schema) == FRAME_SCHEMA
    frame = pl.concat(frames)
    assert corpus.keys["c1"] not in frame["public_id"].to_list()
    mebel = _doc(frame, firm.public_id)
    assert mebel.firm_id == firm_id
    assert mebel.products == "kursi jati meja makan jati"
    assert mebel.hs_codes == ["9403", "940360"]
    assert (mebel.latitude, mebel.longitude) == (-6.59, 110.67)
    assert (mebel.capacity, mebel.capacity_dimension, mebel.capacity_label) == (40.0, "set", "40 set")
    # a firm without coordinates sits at its regency's seat
    c2 = _doc(frame, corpus.keys["c2"])
    seat = wilayah.regency(c2.regency_code)
    assert seat is not None and (c2.latitude, c2.longitude) == (seat["latitude"], seat["longitude"])
    assert c2.capacity == 150_000.0 and c2.capacity_dimension == "mass" and c2.capacity_label == "150 ton"
    g2 = _doc(frame, corpus.keys["g2"])
    assert [(o.title, o.min_order, o.dimension, o.target_regions) for o in g2.offers] == [
        ("gula semut", 2000.0, "mass", ["34"])
    ]
    members = [_doc(frame, corpus.keys[k]) for k in ("c3", "c4")]
    assert all(d.sentra and d.sentra[0][1] == "Sentra Mocaf Wonogiri" for d in members)
    assert all(d.roles == sorted(d.roles) and d.certificates == sorted(d.certificates) for d in members)
    assert "HALAL" in members[0].certificates
    assert [_doc(frame, corpus.keys[k]).track_record for k in ("d7", "c7", "c2")] == [1, 1, 0]
    with session_scope(engine) as s:
        again, removed = documents.frame_for_ids(s, [firm_id, merged.id])
    assert again["firm_id"].to_list() == [firm_id] and removed == [merged.id]
