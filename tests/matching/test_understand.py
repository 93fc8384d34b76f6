"""The need reader on buyer phrases, Indonesian and English: each field, and sentences with nothing to read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jejaring.matching.understand import number, understand

TODAY = date(2026, 12, 7)

# (sentence, expected fields). Only the named fields are checked; "place" is (codes, mode).
QUANTITY: list[tuple[str, dict[str, Any]]] = [
    ("keripik singkong 20 ton per bulan", {"quantity": 20, "unit": "ton", "period": "bulan"}),
    ("tepung tapioka 200 ton/bulan", {"quantity": 200, "unit": "ton", "period": "bulan"}),
    ("kripik tempe 500 kg per minggu", {"quantity": 500, "unit": "kg", "period": "minggu"}),
    ("tempe segar 200 kg per hari", {"quantity": 200, "unit": "kg", "period": "hari"}),
    ("batik cap 1.000 lembar per bulan", {"quantity": 1000, "unit": "lembar", "period": "bulan"}),
    ("kaos sablon 10.000 pcs per bulan", {"quantity": 10000, "unit": "pcs", "period": "bulan"}),
    ("gula semut 2,5 ton sebulan", {"quantity": 2.5, "unit": "ton", "period": "bulan"}),
    ("tenun ikat 30 lembar sebulan", {"quantity": 30, "unit": "lembar", "period": "bulan"}),
    ("jamu 1000 botol per minggu", {"quantity": 1000, "unit": "botol", "period": "minggu"}),
    ("sambal 1000 botol/minggu", {"quantity": 1000, "unit": "botol", "period": "minggu"}),
    ("sengon 100 m3 per bulan", {"quantity": 100, "unit": "m3", "period": "bulan"}),
    ("kayu jati 40 kubik tiap bulan", {"quantity": 40, "unit": "m3", "period": "bulan"}),
    ("garam 600 ton setahun", {"quantity": 600, "unit": "ton", "period": "tahun"}),
    ("sepatu 1.000 pasang per bulan", {"quantity": 1000, "unit": "pasang", "period": "bulan"}),
    ("jaket kulit 200 potong", {"quantity": 200, "unit": "potong", "period": None}),
    ("keranjang rotan 1000 buah", {"quantity": 1000, "unit": "buah", "period": None}),
    ("seragam 5 kodi per minggu", {"quantity": 5, "unit": "kodi", "period": "minggu"}),
    ("tapioca starch, 50 tons monthly", {"quantity": 50, "unit": "tons", "period": "bulan"}),
    ("cassava chips, 5 tons a month", {"quantity": 5, "unit": "tons", "period": "bulan"}),
    ("2,000 pieces monthly", {"quantity": 2000, "unit": "pieces", "period": "bulan"}),
    ("corrugated boxes 50,000 pcs per month", {"quantity": 50000, "unit": "pcs", "period": "bulan"}),
    ("around 40 sets per month", {"quantity": 40, "unit": "sets", "period": "bulan"}),
    ("knitwear 2000 pcs a month", {"quantity": 2000, "unit": "pcs", "period": "bulan"}),
    ("coconut oil 5,000 liters per week", {"quantity": 5000, "unit": "liters", "period": "minggu"}),
    ("white pepper 10 tonnes per year", {"quantity": 10, "unit": "tonnes", "period": "tahun"}),
    ("leather shoes 800 pairs weekly", {"quantity": 800, "unit": "pairs", "period": "minggu"}),
    ("honey 2.5 kg daily", {"quantity": 2.5, "unit": "kg", "period": "hari"}),
    ("fabric 1,500 meters each month", {"quantity": 1500, "unit": "meters", "period": "bulan"}),
]
CERTIFICATES: list[tuple[str, dict[str, Any]]] = [
    ("keripik bersertifikat halal", {"certificates": ["HALAL"], "certificates_firm": True}),
    ("sambal wajib izin edar BPOM", {"certificates": ["BPOM_MD"]}),
    ("abon ikan tuna, ada izin edar BPOM", {"certificates": ["BPOM_MD"]}),
    ("kopi bubuk izin PIRT", {"certificates": ["PIRT"]}),
    ("kue kering P-IRT", {"certificates": ["PIRT"]}),
    ("mebel jati wajib SVLK", {"certificates": ["SVLK"]}),
    ("kayu dengan dokumen V-Legal", {"certificates": ["SVLK"]}),
    ("garam beryodium SNI", {"certificates": ["SNI"]}),
    ("sambal botol bersertifikat halal dan BPOM", {"certificates": ["HALAL", "BPOM_MD"]}),
    ("biji kopi untuk ekspor, ISO 22000", {"certificates": ["ISO_22000"]}),
    ("kemasan plastik ISO 9001", {"certificates": ["ISO_9001"]}),
    ("dimsum beku HACCP", {"certificates": ["HACCP"]}),
    ("keripik, sebaiknya halal", {"certificates": ["HALAL"], "certificates_firm": False}),
    ("halal certified cassava chips", {"certificates": ["HALAL"], "certificates_firm": True}),
    ("cassava chips with BPOM registration", {"certificates": ["BPOM_MD"]}),
    ("virgin coconut oil with BPOM permit", {"certificates": ["BPOM_MD"]}),
    ("herbal soap with BPOM cosmetic notification", {"certificates": ["BPOM_NA"]}),
    ("rattan chairs, legal wood certificate SVLK", {"certificates": ["SVLK"]}),
    ("teak furniture, SVLK compliant", {"certificates": ["SVLK"]}),
    ("frozen dim sum with HACCP and halal", {"certificates": ["HACCP", "HALAL"]}),
    ("snacks, preferably halal", {"certificates": ["HALAL"], "certificates_firm": False}),
    ("metal parts, TKDN", {"certificates": ["TKDN"]}),
]
PLACES: list[tuple[str, dict[str, Any]]] = [
    ("keripik singkong dekat Bandung", {"place": (("32.04", "32.73", "32.17"), "near")}),
    ("tepung tapioka dari Lampung", {"place": (("18",), "origin")}),
    ("tapioca starch from Central Java", {"place": (("33",), "origin")}),
    ("leather handbags wholesale from East Java", {"place": (("35",), "origin")}),
    ("keripik pedas dari Jawa Timur", {"place": (("35",), "origin")}),
    ("keripik dari Jatim", {"place": (("35",), "origin")}),
    ("batik dari Jateng", {"place": (("33",), "origin")}),
    ("aci halus di Pati", {"place": (("33.18",), "in")}),
    ("tape singkong khas Bondowoso", {"place": (("35.11",), "origin")}),
    ("kripik tempe khas Malang", {"place": (("35.07", "35.73"), "origin")}),
    ("kerupuk ikan asal Palembang", {"place": (("16.71",), "origin")}),
    ("kursi rotan dekat Solo", {"place": (("33.72",), "near")}),
    ("rotan mentah asal Kalimantan Tengah", {"place": (("62",), "origin")}),
    ("cocoa beans from West Sulawesi", {"place": (("76",), "origin")}),
    ("ikat weaving from East Nusa Tenggara", {"place": (("53",), "origin")}),
    ("tenun ikat NTT", {"place": (("53",), "bare")}),
    ("batik khas Madura", {"place": (("35.26", "35.27", "35.28", "35.29"), "origin")}),
    ("white pepper from Bangka", {"place": (("19.01", "19.03", "19.04", "19.05"), "origin")}),
    ("woven textiles from Lombok", {"place": (("52.01", "52.02", "52.03", "52.08", "52.71"), "origin")}),
    ("bamboo crafts from Yogyakarta", {"place": (("34",), "origin")}),
    ("gula semut dekat Jogja", {"place": (("34",), "near")}),
    ("kue kering Kota Yogyakarta", {"place": (("34.71",), "bare")}),
    ("songket from Palembang", {"place": (("16.71",), "origin")}),
    ("coffee supplier near Surabaya", {"place": (("35.78",), "near")}),
    ("tofu supplier in Sumedang", {"place": (("32.11",), "in")}),
    ("tas anyaman khas Tasik", {"place": (("32.06", "32.78"), "origin")}),
    ("kopi bubuk khas Toraja", {"place": (("73.18", "73.26"), "origin")}),
    ("sepatu kulit Cibaduyut", {"place": (("32.73",), "bare")}),
    ("Bandung Regency knitwear", {"place": (("32.04",), "bare")}),
    ("shoes from Bandung City", {"place": (("32.73",), "origin")}),
    ("batik from Pekalongan Regency", {"place": (("33.26",), "origin")}),
    ("furniture from Kabupaten Jepara", {"place": (("33.20",), "origin")}),
    ("mebel Kab. Jepara", {"place": (("33.20",), "bare")}),
    ("perak dari Provinsi Bali", {"place": (("51",), "origin")}),
    ("coffee from North Sumatra", {"place": (("12",), "origin")}),
    ("rattan from South Kalimantan", {"place": (("63",), "origin")}),
    ("seaweed from Southeast Sulawesi", {"place": (("74",), "origin")}),
    ("nutmeg from North Maluku", {"place": (("82",), "origin")}),
    ("sago from Papua", {"place": (("91",), "origin")}),
    ("hotel kami di Bali butuh sabun", {"place": (("51",), "at")}),
    ("our company in Jakarta needs snacks", {"place": (("31",), "at")}),
    ("tempe untuk katering di Jogja", {"place": (("34",), "at")}),
    ("batik tulis, preferably in Yogyakarta", {"place": (("34",), "at")}),
    ("kopi sangrai sekitar Bandung radius 50 km", {"place": (("32.04", "32.73", "32.17"), "radius"), "radius_km": 50}),
    ("within 100 km of Malang: chips producers", {"place": (("35.07", "35.73"), "radius"), "radius_km": 100}),
    ("produsen keripik dalam radius 30 km dari Kota Malang", {"place": (("35.73",), "radius"), "radius_km": 30}),
    ("snack makers within 25 km of Sidoarjo", {"place": (("35.15",), "radius"), "radius_km": 25}),
    ("mebel jarak maksimal 80 km dari Jepara", {"place": (("33.20",), "radius"), "radius_km": 80}),
]
DEADLINE_PRICE: list[tuple[str, dict[str, Any]]] = [
    ("kaos 5.000 pcs sebelum 20 Desember", {"deadline": date(2026, 12, 20)}),
    ("kaos sebelum tanggal 5 Januari", {"deadline": date(2027, 1, 5)}),
    ("tas pandan, deadline akhir Januari", {"deadline": date(2027, 1, 31)}),
    ("paling lambat 15 Maret 2027", {"deadline": date(2027, 3, 15)}),
    ("cassava chips within 6 weeks", {"deadline": date(2027, 1, 18)}),
    ("dalam 2 minggu", {"deadline": date(2026, 12, 21)}),
    ("delivery by 10 February", {"deadline": date(2027, 2, 10)}),
    ("before the end of March", {"deadline": date(2027, 3, 31)}),
    ("teak chairs 200 pcs, delivery by March", {"quantity": 200.0, "unit": "pcs", "deadline": date(2027, 3, 1)}),
    ("kaos 500 potong sebelum Februari 2027", {"quantity": 500.0, "unit": "potong", "deadline": date(2027, 2, 1)}),
    ("by December", {"deadline": date(2026, 12, 31)}),
    ("sabun, harga maksimal Rp 5.000 per buah", {"price_max": 5000, "price_unit": "buah"}),
    ("gula aren Rp 20.000 - 25.000 per kg", {"price_min": 20000, "price_max": 25000, "price_unit": "kg"}),
    ("kopi harga di bawah Rp 90rb/kg", {"price_max": 90000, "price_unit": "kg"}),
    ("price under IDR 15,000 per piece", {"price_max": 15000, "price_unit": "piece"}),
    ("budget Rp 2 juta per set", {"price_max": 2000000, "price_unit": "set"}),
    ("minimal Rp 10.000 per kg", {"price_min": 10000, "price_unit": "kg"}),
    ("20 ton per bulan, harga Rp 8.000", {"price_max": 8000, "price_unit": "ton"}),
]
# Nothing but the product: no field may be read.
NOTHING = [
    "keripik singkong balado",
    "pati singkong untuk pabrik",
    "patung batu andesit",
    "batu bata merah",
    "kopi arabika java preanger",
    "kain tenun ikat timor",
    "sabun batang herbal",
    "ukiran kayu relief",
    "hand-drawn batik with natural dyes",
    "knitted socks and gloves",
    "ikat pinggang kulit",
    "tas tangan kulit sapi untuk ekspor",
    "steel fence fabrication",
    "teak dining tables and chairs",
    "Japanese buyer seeks Sumatra arabica green beans",
    "briket arang tempurung kelapa untuk ekspor ke Timur Tengah",
    "seragam kerja karyawan pabrik",
    "cokelat batangan dan biji kakao",
]
FIELDS = ("quantity", "unit", "period", "certificates", "place", "radius_km", "deadline", "price_min", "price_max")


def _check(text: str, expected: dict[str, Any]) -> None:
    u = understand(text, today=TODAY)
    for name, want in expected.items():
        if name == "place":
            assert u.place is not None, (text, u)
            assert (set(u.place.codes), u.place.mode) == (set(want[0]), want[1]), (text, u.place)
        elif name == "quantity":
            assert u.quantity == pytest.approx(want), (text, u)
        else:
            assert getattr(u, name) == want, (text, name, getattr(u, name))


@pytest.mark.parametrize(("text", "expected"), QUANTITY + CERTIFICATES + PLACES + DEADLINE_PRICE)
def test_reads_each_field(text: str, expected: dict[str, Any]) -> None:
    _check(text, expected)


@pytest.mark.parametrize("text", NOTHING)
def test_reads_nothing_from_a_bare_product(text: str) -> None:
    u = understand(text, today=TODAY)
    found = {f: getattr(u, f) for f in FIELDS if getattr(u, f) not in (None, [])}
    assert found == {}, (text, found)
    assert u.rest == text.strip()


def test_phrase_count_meets_the_issue() -> None:
    assert len(QUANTITY + CERTIFICATES + PLACES + DEADLINE_PRICE + NOTHING) >= 100


def test_a_whole_sentence_and_what_is_left_for_the_text_search() -> None:
    u = understand("keripik singkong 20 ton per bulan, bersertifikat halal, dekat Bandung", today=TODAY)
    assert (u.quantity, u.unit, u.period, u.certificates) == (20, "ton", "bulan", ["HALAL"])
    assert u.place is not None and u.place.mode == "near" and not u.place.firm
    assert u.rest == "keripik singkong"
    data = u.to_json()
    assert data["place"]["code"] and data["place"]["name"] and data["radius_km"] is None


def test_english_export_buyer_sentence() -> None:
    u = understand(
        "Our company in Singapore needs halal certified cassava chips, 10 tons per month, within 6 weeks", today=TODAY
    )
    assert (u.quantity, u.unit, u.period, u.certificates) == (10, "tons", "bulan", ["HALAL"])
    assert u.deadline == date(2027, 1, 18) and u.place is None
    assert "cassava chips" in u.rest


def test_a_radius_without_a_place_is_dropped() -> None:
    u = understand("keripik within 50 km", today=TODAY)
    assert u.radius_km is None and u.place is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1.000", 1000), ("1,000", 1000), ("2,5", 2.5), ("2.5", 2.5), ("10.000.000", 1e7), ("1.250,5", 1250.5)],
)
def test_numbers_as_indonesians_and_english_write_them(raw: str, value: float) -> None:
    assert number(raw) == value


@pytest.mark.parametrize(
    ("text", "codes", "mode", "radius"),
    [
        ("sourced from Central Java or Yogyakarta", {"33", "34"}, "origin", None),
        ("batik dari Jawa Tengah atau DIY, 200 lembar", {"33", "34"}, "origin", None),
        ("tas kulit dari Garut dan Tasik", {"32.05", "32.06", "32.78"}, "origin", None),
        (
            "konveksi area Jabodetabek",
            {"31", "32.01", "32.71", "32.76", "36.03", "36.71", "36.74", "32.16", "32.75"},
            "near",
            None,
        ),
        ("keripik dari Malang dan sekitarnya", {"35.07", "35.73"}, "radius", 50.0),
    ],
)
def test_several_places_and_surroundings(text: str, codes: set[str], mode: str, radius: float | None) -> None:
    u = understand(text, today=TODAY)
    assert u.place is not None and set(u.place.codes) == codes and u.place.mode == mode
    assert u.radius_km == radius
