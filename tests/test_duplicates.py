"""Wire copies and near-duplicates: MinHash fingerprints and the incremental index."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import DEMO
from storylens.errors import ConfigError
from storylens.ingest import read_articles
from storylens.records import CopyOf
from storylens.match.duplicates import (
    NUM_PERM, SHINGLE_WORDS, DuplicateIndex, Fingerprint, fingerprint, shingles,
)

WIRE = ("harbor-fire-en-cpa", "harbor-fire-en-lakeshore")  # original, copy
OTHER_EN = ("valdoria-inflation-en-meridian", "teval-spill-en-riverside", "mansour-transfer-en-pitchside",
            "ribalta-election-en-nordicwire", "valdoria-rate-en-meridian")

GREEK = (
    "Πυρκαγιά ξέσπασε τα ξημερώματα της Τρίτης σε αποθήκη του λιμανιού της φανταστικής πόλης Καλύβια. "
    "Σύμφωνα με την πυροσβεστική υπηρεσία, τριάντα πυροσβέστες με δώδεκα οχήματα έσπευσαν στο σημείο "
    "και έθεσαν τη φωτιά υπό έλεγχο ύστερα από έξι ώρες. Δεν αναφέρθηκαν τραυματισμοί. Ο λιμενάρχης "
    "Νικόλαος Δρακόπουλος δήλωσε ότι η κυκλοφορία των πλοίων θα αποκατασταθεί μέσα στην εβδομάδα. "
    "Τα αίτια της πυρκαγιάς ερευνώνται από τις αρμόδιες αρχές, ενώ οι κάτοικοι της περιοχής κλήθηκαν "
    "να κρατούν τα παράθυρα κλειστά λόγω του καπνού."
)
ARABIC = (
    "اندلع حريق فجر الثلاثاء في مستودع بميناء مدينة الزهراء الخيالية. وقالت إدارة الدفاع المدني إن "
    "ثلاثين رجل إطفاء هرعوا إلى المكان وتمكنوا من السيطرة على النيران بعد ست ساعات. ولم تسجل أي "
    "إصابات. وأكد مدير الميناء أن حركة السفن ستعود إلى طبيعتها خلال الأسبوع. ولا تزال أسباب الحريق "
    "قيد التحقيق، فيما دعت السلطات السكان إلى إبقاء النوافذ مغلقة بسبب الدخان."
)
FOOTER = (
    "We use cookies and similar technologies to give you the full functionality of our website, to "
    "personalise content and advertising and to analyse our traffic. By continuing to browse you agree "
    "to our use of cookies. Copyright 2026 Continental Press Agency. All rights reserved. This material "
    "may not be published, broadcast, rewritten or redistributed."
)


@pytest.fixture(scope="module")
def demo() -> dict[str, str]:
    """Demo article id -> text."""
    return {a.id: a.text for a in read_articles(DEMO)}


@pytest.fixture(scope="module")
def stories() -> dict[str, str]:
    """Demo article id -> its gold story label."""
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["story"] for row in rows}


def index_of(**texts: str) -> DuplicateIndex:
    index = DuplicateIndex()
    for key, text in texts.items():
        index.add(key, fingerprint(text))
    return index


def test_wire_copy_found_in_demo_stream(demo):
    index, found = DuplicateIndex(), {}
    for key, text in demo.items():  # file order: the CPA original comes before the Lakeshore copy
        fp = fingerprint(text)
        if (dup := index.find(fp)) is not None:
            found[key] = dup
        index.add(key, fp)
    assert list(found) == [WIRE[1]]
    dup = found[WIRE[1]]
    assert dup.of == WIRE[0] and dup.kind in ("near", "exact")
    assert dup.overlap >= index.near and dup.containment >= 0.8
    assert len(index) == len(demo)


def test_only_the_wire_pair_is_flagged(demo, stories):
    """Different outlets on the same story, and different stories, match in neither direction."""
    same_story = 0
    for a, b in itertools.permutations(demo, 2):
        dup = index_of(**{a: demo[a]}).find(fingerprint(demo[b]))
        if {a, b} == set(WIRE):
            assert dup is not None and dup.kind == "near", (a, b, dup)
        else:
            assert dup is None, (a, b, dup)
            same_story += stories[a] == stories[b]
    assert same_story >= 30  # the check covered many same-story pairs


def test_exact_copy_ignores_case_and_punctuation(demo):
    original = demo[WIRE[0]]
    index = index_of(original=original)
    assert index.find(fingerprint(original)) == CopyOf("original", "exact", 1.0, 1.0)
    shouted = "".join(ch if ch.isalnum() else " " for ch in original.upper())  # punctuation only separates
    assert index.find(fingerprint(shouted)).kind == "exact"


def test_edited_copy_is_near(demo):
    words = demo[WIRE[0]].split()
    for i in range(0, len(words), 40):  # a changed word every 40
        words[i] = "redacted"
    dup = index_of(original=demo[WIRE[0]]).find(fingerprint("By Our Staff Reporter\n" + " ".join(words)))
    assert dup is not None and dup.kind == "near" and dup.of == "original"


@pytest.fixture(scope="module")
def digest(demo) -> str:
    """The CPA story embedded in the middle of five other demo articles (about 5x longer)."""
    parts = [demo[key] for key in OTHER_EN]
    return "\n\n".join([*parts[:2], demo[WIRE[0]], *parts[2:]])


def test_story_inside_longer_article_is_partial(demo, digest):
    dup = index_of(original=demo[WIRE[0]]).find(fingerprint(digest))
    assert dup is not None and dup.of == "original" and dup.kind == "partial"
    assert dup.overlap < 0.5 and dup.containment >= 0.9


def test_longer_article_containing_story_is_partial(demo, digest):
    index = index_of(digest=digest, other=demo["harbor-fire-de-hollerstadt"])
    dup = index.find(fingerprint(demo[WIRE[0]]))
    assert dup is not None and dup.of == "digest" and dup.kind == "partial"
    assert dup.overlap < 0.5 and dup.containment >= 0.9


def test_shared_footer_or_quote_is_not_reuse(demo):
    a, b = demo["teval-spill-en-riverside"], demo["teval-spill-en-valley-echo"]
    assert index_of(a=f"{a}\n\n{FOOTER}").find(fingerprint(f"{b}\n\n{FOOTER}")) is None
    quote = ('"This is the worst fish kill I have seen on this river in thirty years of fieldwork, and the '
             'company owes every family downstream a full and honest account," the ecologist said.')
    assert index_of(a=f"{quote}\n\n{a}").find(fingerprint(f"{b}\n\n{quote}")) is None


def test_short_text_inside_article_is_not_partial(demo):
    """Below MIN_PARTIAL_SHINGLES a contained snippet is a quote or a footer, not a reused story."""
    snippet = " ".join(demo[WIRE[0]].split()[:30])
    assert index_of(article=demo[WIRE[0]]).find(fingerprint(snippet)) is None


def test_non_latin_scripts_shingle_and_match():
    greek = shingles(GREEK)
    assert len(greek) == len(GREEK.split()) - SHINGLE_WORDS + 1
    assert all(s == s.decode("utf-8").casefold().encode("utf-8") for s in greek)
    index = index_of(greek=GREEK, arabic=ARABIC)
    assert index.find(fingerprint(GREEK.upper())).kind == "exact"  # final sigma folds with Σ
    arabic_copy = "بقلم مراسلنا في الزهراء\n" + ARABIC.replace("ست ساعات", "سبع ساعات")
    dup = index.find(fingerprint(arabic_copy))
    assert dup is not None and dup.of == "arabic" and dup.kind == "near"
    assert index.find(fingerprint("Ένα εντελώς άλλο άρθρο για τις εκλογές στην πόλη Καλύβια.")) is None


def test_unspaced_scripts_shingle_by_character():
    text = "港口仓库周二凌晨起火消防员六小时后控制火势"
    assert len(shingles(text)) == len(text) - SHINGLE_WORDS + 1


def test_short_text_gives_one_shingle():
    assert shingles("Fire at the port") == {b"fire at the port"}
    assert shingles("  ...  ") == set()
    assert index_of(a="Fire at the port!").find(fingerprint("fire, at the PORT")).kind == "exact"


def test_fingerprint_round_trip(demo):
    fp = fingerprint(demo[WIRE[0]])
    assert fp.hashvalues.shape == (NUM_PERM,) and fp.hashvalues.dtype == np.uint64
    assert fp.size == len(shingles(demo[WIRE[0]]))
    raw = fp.to_bytes()
    assert len(raw) == NUM_PERM * 8
    back = Fingerprint.from_bytes(raw, fp.size)
    assert np.array_equal(back.hashvalues, fp.hashvalues) and back.hashvalues.dtype == np.uint64
    assert back.size == fp.size
    assert index_of(original=demo[WIRE[0]]).find(back).kind == "exact"
    with pytest.raises(ValueError, match="fingerprint"):
        Fingerprint.from_bytes(raw[:-8], fp.size)


def test_fingerprint_same_in_another_process():
    code = "from storylens.match.duplicates import fingerprint; import sys; sys.stdout.write(fingerprint(sys.argv[1]).to_bytes().hex())"
    out = subprocess.run([sys.executable, "-c", code, GREEK], capture_output=True, text=True, check=True).stdout
    assert bytes.fromhex(out) == fingerprint(GREEK).to_bytes()


def test_empty_index_and_empty_text(demo):
    assert DuplicateIndex().find(fingerprint(demo[WIRE[0]])) is None
    index = index_of(blank="", other="— —")
    assert len(index) == 2 and fingerprint("").size == 0
    assert index.find(fingerprint("")) is None


def test_same_key_added_twice(demo):
    index = index_of(a=demo[WIRE[0]])
    index.add("a", fingerprint(demo[WIRE[0]]))
    index.add("a", fingerprint(demo[WIRE[1]]))  # the first fingerprint stays
    assert len(index) == 1
    assert index.find(fingerprint(demo[WIRE[0]])).kind == "exact"


def test_best_match_exact_first_then_earliest(demo):
    index = index_of(copy=demo[WIRE[1]], first=demo[WIRE[0]], second=demo[WIRE[0]])
    assert index.find(fingerprint(demo[WIRE[0]])).of == "first"
    assert index_of(one=demo[WIRE[1]], two=demo[WIRE[1]]).find(fingerprint(demo[WIRE[0]])).of == "one"


@pytest.mark.parametrize("near, partial", [(0.0, 0.7), (0.5, 1.5)])
def test_thresholds_checked(near, partial):
    with pytest.raises(ConfigError, match="between 0 and 1"):
        DuplicateIndex(near=near, partial=partial)


def test_the_sorted_bands_find_what_datasketchs_lsh_finds():
    """Candidates through the sorted bands and the rows added since the last sort are the
    rows datasketch's MinHashLSH of the same single-value bands returns, at every size."""
    from datasketch import LeanMinHash, MinHashLSH

    from storylens.match.duplicates import BANDS, NUM_PERM, SCHEME, SEED, UNSORTED, BandIndex

    rng = np.random.default_rng(7)
    n = 2 * UNSORTED + 500  # a sort happens, then rows pile up unsorted again
    hashes = rng.integers(0, 2 ** 20, size=(n, NUM_PERM), dtype=np.uint64)  # small values: bands collide
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, 1))
    bands = BandIndex()
    checked = 0
    for row in range(n):
        if row % 97 == 0 and row:
            query = hashes[rng.integers(0, row)].copy()
            query[rng.random(NUM_PERM) < 0.8] = rng.integers(2 ** 40, 2 ** 41)  # keep about a fifth of the values
            expected = sorted(lsh.query(LeanMinHash(seed=SEED, hashvalues=query, scheme=SCHEME)))
            assert bands.matching(hashes, row, query).tolist() == expected
            checked += bool(expected)
        lsh.insert(row, LeanMinHash(seed=SEED, hashvalues=hashes[row], scheme=SCHEME), check_duplication=False)
    assert bands.sorted_ > UNSORTED and checked > 100
