"""Every GET page reachable from the navigation, for every role, in Indonesian and English: no raw internal
code on any page, no untranslated Indonesian UI word on an English page (issue #22, words and numbers).

A server-side crawler over the real app (handmade demo data): from each role's navigation it follows links
two levels deep, one page per URL shape (``/firms/F-…`` once), and reads each page's visible text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from jejaring.accounts import service as accounts_service
from jejaring.accounts.models import FirmOwner
from jejaring.accounts.roles import system_actor
from jejaring.accounts.schemas import UserCreate
from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.reference import catalog
from jejaring.registry import demo
from jejaring.registry.models import Firm
from jejaring.web.app import create_app
from tests.accounts.helpers import PASSWORD, login

ROLES = ("publik", "admin", "analis", "petugas_dinas", "pemilik_usaha", "penyelenggara_acara")
# Internal codes from the data and the code base that a reader must never see (a known list).
RAW_CODES = (
    "pemilik_usaha",
    "petugas_dinas",
    "penyelenggara_acara",
    "industri_besar",
    "industri_kreatif",
    "makanan_minuman",
    "rantai_pasok",
    "inti_plasma",
    "rp_role",
    "kode_wilayah",
    "kbli_code",
    "size_class",
    "reference_year",
    "province_code",
    "regency_code",
    "pemasok_bahan_baku",
    "layanan_purna_jual",
    "no_kbli",
    "no_coordinates",
)
# Any snake_case word in the visible text is an internal code that escaped. Not: e-mail addresses, URLs, file
# names (demo_firms.csv) and formula symbols with a one-letter stem (a_ij).
SNAKE = re.compile(r"(?<![\w@./:?&=-])[a-z]{2,}(?:_[a-z0-9]+)+\b(?![\w@-]*@)(?!\.\w)")
# Indonesian words of the interface that an English page must not show (data such as firm names aside).
INDONESIAN_UI = (
    "Simpan",
    "Batal",
    "Kembali",
    "Cari",
    "Halaman",
    "Sebelumnya",
    "Berikutnya",
    "Beranda",
    "Keluar",
    "Unggah",
    "Tidak ada",
    "Belum ada",
    "Tambah",
    "Hapus",
    "Pilih",
    "Semua",
    "Jumlah",
    "Tahun",
    "Kabupaten/kota",
    "Tenaga kerja",
    "Terapkan",
    "Usaha saya",
    "Kirim",
    "Keterangan",
    "Tanggal",
    "Unduh",
    "Belum",
    "Sudah",
    "Usulkan",
    "Lihat",
    "Provinsi",
    "Sertifikat",
    "Penawaran",
    "Kebutuhan",
    "Ubah",
    "Masuk",
    "Alamat",
    "Nilai",
    "Sektor",
    "Wilayah",
    "Lampiran",
    "Pesanan",
    "Pembayaran",
    "Faktur",
    "Pengiriman",
    "Pemilik",
    "Tenaga",
    "Skala",
    "Tindakan",
    "Status usaha",
    "Lainnya",
    "Ya",
    "Tidak",
)
# Where a place's name belongs: a table column, a definition term or a label of these words must not hold a
# bare Kemendagri code ("32", "32.09", "32.09.01"), nor may a code follow such a label in running text.
PLACE_LABEL = re.compile(
    r"^(?:provinsi|province|kabupaten(?:/kota)?|kota|regency|regency/city|wilayah|region|kantor|office|dinas|"
    r"lokasi|location|asal|origin|kecamatan|district)\b",
    re.IGNORECASE,
)
BARE_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
LABELLED_CODE = re.compile(
    r"\b(?:Provinsi|Province|Kabupaten/kota|Regency/city|Regency|Wilayah|Region|Kode wilayah|Region code)\s*:?\s*"
    r"(\d{2}(?:\.\d{2}){0,3})(?![\d.,]*\d)(?!\s*(?:%|firms|usaha|unit|IKM|kabupaten|regenc|provin|dari|of))",
)
# A regency or district code in running text ("32.09"): Indonesian numbers group thousands by three digits,
# so two digits after a dot are a code, not an amount (times such as "09.00 WIB" aside).
WILAYAH_CODE = re.compile(r"(?<![\w.,/-])\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?(?![\w.,/-]*\d)(?!\s*(?:WIB|WITA|WIT)\b)")
MAX_PER_SHAPE = 1
MAX_PAGES = 140
SKIP = ("/logout", "/lang/", "/api/", "/static/", "/favicon.ico", "/export/", ".csv", ".xlsx", ".pdf", "/download")


# Column names of the linkage upload template: the intake page lists them because users type them in their files.
TEMPLATE_COLUMNS = {"id_usaha", "id_mitra", "nama_mitra", "nib_mitra", "kode_wilayah_mitra", "jenis_keterkaitan"}
TEMPLATE_COLUMNS |= {"nilai_per_tahun"}


def _shape(path: str) -> str:
    """A URL's shape: identifiers and numbers replaced, so one page stands for all its siblings."""
    return re.sub(r"/(?:[A-Z]{1,3}-[0-9A-Z]+(?:-[0-9A-Z*~$=]+)*|\d[\d.]*|[0-9a-f]{8,})(?=/|$)", "/*", path)


def visible_text(html: str) -> str:
    """The text a reader sees: no scripts, styles, templates or elements marked as another language."""
    return _clean_soup(html).get_text(" ", strip=True)


def _clean_soup(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style", "template", "code", "pre", "textarea"]):
        node.decompose()
    for node in soup.select("[lang]:not(html)"):
        node.decompose()
    return soup


def place_codes(html: str) -> list[str]:
    """Bare wilayah codes where a place name belongs: table columns, definition lists and labels about places,
    and options of a select whose text is only a code."""
    soup = _clean_soup(html)
    found: list[str] = []
    for table in soup.select("table"):
        head = table.select("thead th") or (table.select("tr")[0].select("th") if table.select("tr") else [])
        columns = [i for i, th in enumerate(head) if PLACE_LABEL.match(th.get_text(" ", strip=True))]
        for row in table.select("tbody tr") if columns else []:
            cells = row.select("td, th")
            for i in columns:
                if i < len(cells) and BARE_CODE.match(text := cells[i].get_text(" ", strip=True)):
                    found.append(f"code {text} in column {head[i].get_text(' ', strip=True)}")
    for dt in soup.select("dt"):
        dd = dt.find_next_sibling("dd")
        if (
            dd is not None
            and PLACE_LABEL.match(dt.get_text(" ", strip=True))
            and BARE_CODE.match(text := dd.get_text(" ", strip=True))
        ):
            found.append(f"code {text} for {dt.get_text(' ', strip=True)}")
    for option in soup.select("option"):
        if BARE_CODE.match(text := option.get_text(" ", strip=True)):
            found.append(f"code {text} as an option")
    return found


# KBLI titles that have no English title (most five-digit kelompok): an English page shows them in Indonesian.
ID_ONLY_TITLES = sorted({t_id for t_id, t_en in catalog.kbli_titles().values() if not t_en}, key=len, reverse=True)


def problems(text: str, lang: str) -> list[str]:
    """Raw codes (known, snake_case, wilayah codes) on any page; Indonesian UI words on an English page."""
    found = [c for c in RAW_CODES if re.search(rf"(?<![\w@/.-]){c}\b(?![\w.-]*@)", text)]
    found += [f"labelled code {m.group(0)}" for m in LABELLED_CODE.finditer(text)]
    if lang == "id":
        found += [f"wilayah code {m}" for m in sorted(set(WILAYAH_CODE.findall(text)))]
    found += [f"snake_case {m}" for m in sorted(set(SNAKE.findall(text)) - TEMPLATE_COLUMNS) if m not in found]
    if lang == "en":
        for title in ID_ONLY_TITLES:
            text = text.replace(title, " ")
        found += [f"Indonesian '{w}'" for w in INDONESIAN_UI if re.search(rf"\b{re.escape(w)}\b", text)]
    return found


def test_problems_finds_what_it_looks_for() -> None:
    assert problems("Pola: rantai_pasok · Item rp_role", "id") == ["rantai_pasok", "rp_role"]
    assert problems("pemilik_usaha@contoh.id", "id") == []
    assert problems("Tulis ke ana_budi@contoh.id atau /firms?sort_by=x; berkas demo_firms.csv; r_ij = a_ij", "id") == []
    assert _shape("/firms/F-3442FMZT-8/edit") == _shape("/firms/F-XAH4Q6T5-M/edit") == "/firms/*/edit"
    assert problems("Sector: creative_industry", "en") == ["snake_case creative_industry"]
    assert problems("Save · Simpan", "en") == ["Indonesian 'Simpan'"]
    assert problems("Simpan", "id") == []
    # a KBLI title with no English title may stay Indonesian; one that has an English title may not
    assert problems("15209 Industri Alas Kaki Lainnya", "en") == []
    assert problems("Industri Pengolahan Lainnya", "en") == ["Indonesian 'Lainnya'"]
    assert visible_text('<p>ok<script>var x_y = 1</script><a lang="id">Bahasa Indonesia</a></p>') == "ok"
    # province and regency codes shown where a name belongs
    assert problems("Provinsi: 32 · Kabupaten/kota 32.09", "id") == [
        "labelled code Provinsi: 32",
        "labelled code Kabupaten/kota 32.09",
        "wilayah code 32.09",
    ]
    assert problems("Provinsi 32 usaha · 1.250.000 · 3,5 · pukul 09.00 WIB · 12,50", "id") == []
    assert problems("Kantor wilayah 33.74", "id") == ["wilayah code 33.74"]
    table = "<table><thead><tr><th>Provinsi</th><th>Usaha</th></tr></thead>"
    table += "<tbody><tr><td>32</td><td>12</td></tr></tbody></table>"
    assert place_codes(table) == ["code 32 in column Provinsi"]
    assert place_codes(table.replace("<td>32</td>", "<td>Jawa Barat</td>")) == []
    assert place_codes("<dl><dt>Kabupaten/kota</dt><dd>32.09</dd></dl><select><option>33</option></select>") == [
        "code 32.09 for Kabupaten/kota",
        "code 33 as an option",
    ]


@pytest.fixture
def crawl_settings(settings: Settings) -> Iterator[Settings]:
    engine = build_engine(settings.database_url)
    with session_scope(engine) as session:
        demo.load_demo_if_empty(session)
        firm = session.scalars(select(Firm).order_by(Firm.id)).first()
        assert firm is not None
        for role in ROLES[1:]:
            data = UserCreate(
                email=f"{role}@crawl.example",
                name=f"Uji Jelajah {ROLES.index(role)}",
                role=role,
                province_code=firm.province_code if role == "petugas_dinas" else None,
                must_change_password=False,  # else every page but the password form is closed to the crawl
            )
            user = accounts_service.create_user(session, actor=system_actor("cli"), data=data, password=PASSWORD)
            session.flush()
            if role == "pemilik_usaha":
                session.add(FirmOwner(user_id=user.id, firm_id=firm.id))
    engine.dispose()
    yield settings


def _nav_links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(a["href"]) for a in soup.select("header a[href], nav a[href]") if isinstance(a.get("href"), str)]


def _links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("main") or soup
    return [str(a["href"]) for a in main.select("a[href]") if isinstance(a.get("href"), str)]


# A page each signed-in role must reach, so a crawl that never got past the sign-in cannot pass.
LANDMARKS = {
    "admin": "/admin/users",
    "analis": "/insights",
    "petugas_dinas": "/intake",
    "pemilik_usaha": "/my",
    "penyelenggara_acara": "/events",
}


def _crawl(client: TestClient, lang: str) -> tuple[dict[str, list[str]], set[str]]:
    """path → problems, for the pages reachable from the navigation (two levels)."""
    home = client.get(f"/?lang={lang}")
    assert home.status_code == 200
    frontier = [h for h in _nav_links(home.text) if h.startswith("/")]
    seen_shapes: dict[str, int] = {}
    visited: set[str] = set()
    report: dict[str, list[str]] = {}
    for depth in (1, 2):
        following: list[str] = []
        for href in frontier:
            path = href.split("#")[0]
            if not path or path in visited or any(s in path for s in SKIP) or len(visited) >= MAX_PAGES:
                continue
            shape = _shape(urlsplit(path).path)
            if seen_shapes.get(shape, 0) >= MAX_PER_SHAPE:
                continue
            seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
            visited.add(path)
            r = client.get(path)
            if depth == 1 and r.status_code in (401, 403):
                report[path] = [f"offered in the menu but refused ({r.status_code})"]
            if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
                continue
            assert r.headers.get("content-language") == lang, path
            found = problems(visible_text(r.text), lang) + place_codes(r.text)
            if found:
                report[path] = found
            if depth == 1:
                following += [h for h in _links(r.text) if h.startswith("/")]
        frontier = following
    assert len(visited) >= 8, f"the crawl reached only {sorted(visited)}"
    return report, visited


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_raw_codes_or_untranslated_words_on_any_page(crawl_settings: Settings, role: str, lang: str) -> None:
    with TestClient(create_app(crawl_settings)) as client:
        client.cookies.set("lang", lang)
        if role != "publik":
            login(client, f"{role}@crawl.example", PASSWORD)
        report, visited = _crawl(client, lang)
    if role in LANDMARKS:
        assert any(urlsplit(p).path == LANDMARKS[role] for p in visited), f"{role} never reached {LANDMARKS[role]}"
    assert not report, f"{role}/{lang}: " + "; ".join(f"{p}: {v}" for p, v in sorted(report.items()))


def test_favicon_is_served(crawl_settings: Settings) -> None:
    with TestClient(create_app(crawl_settings)) as client:
        r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.content and r.headers["content-type"].startswith("image/")
