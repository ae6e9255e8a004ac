"""The quote stage reads each article with its own language's words of saying: an English
name that is a pronoun elsewhere ("Lei", "Ella") is no pronoun in an English article."""

from __future__ import annotations

import storylens
from storylens.analyze.attribution import find_verbs, parse_after
from storylens.analyze.pipeline import STAGES
from storylens.article import Article

LEI = Article(id="lei", title="Xiaomi sets a sales target", text=(
    "Xiaomi founder Lei Jun told investors in Beijing on Monday that the company expects strong demand for "
    "its new phones.\n\n"
    "Analyst Maria Gomez said the target was ambitious. She has followed the company for a decade.\n\n"
    "\"We will ship ten million phones before the end of the year,\" Lei said."))

ELLA = Article(id="ella", title="A singer returns to the stage", text=(
    "The jazz singer Ella Brandt returned to the Blue Note club in Hamburg on Friday after a two-year break.\n\n"
    "Her manager, Karen Holt, said the tickets sold out within an hour. She booked the club a year ago.\n\n"
    "\"It felt like coming home after a very long journey,\" Ella said after the show."))


def test_the_quote_stage_requires_the_language():
    quotes = next(s for s in STAGES if s.name == "quotes")
    assert "language" in quotes.requires


def test_a_name_that_is_a_pronoun_in_another_language_is_a_name_in_english():
    x = storylens.analyze(LEI)
    assert x.language == "en"
    (quote,) = x.quotes
    assert quote.speaker and quote.speaker.startswith("Lei"), quote  # not the analyst "she" would be


def test_no_guess_from_another_languages_pronoun():
    x = storylens.analyze(ELLA)
    (quote,) = x.quotes
    assert quote.speaker is None or "Ella" in quote.speaker, quote  # never the manager


def test_each_language_reads_its_own_verbs_and_unknown_languages_read_all():
    assert [v for _, _, v in find_verbs("«Basta», disse il ministro.", "it")] == ["disse"]
    assert find_verbs("“That is enough,” dijo Smith.", "en") == []  # a Spanish verb in English text
    assert [v for _, _, v in find_verbs("“That is enough,” dijo Smith.", None)] == ["dijo"]
    english = parse_after(", Ella said.", 0, set(), "en")
    assert english is None or english.kind != "pronoun"
    assert parse_after(", Ella said.", 0, set(), None).kind == "pronoun"  # unknown language: every table
    assert parse_after(", ella dijo.", 0, set(), "es").kind == "pronoun"
