"""Quote speakers: pronouns by gender, titles, addressees, other languages, the demo and real quotes."""

from __future__ import annotations

import json
import sys


from storylens.analyze.pipeline import STAGES, run_stages
from storylens.article import Article

from conftest import DEMO, ROOT, SHARED, need

sys.path.insert(0, str(ROOT / "benchmarks"))


def quotes(text: str, language: str | None = None):
    """Quotes of ``text`` through the real stages they require (no embeddings)."""
    needed = [s for s in STAGES if s.name in ("language", "paragraphs", "sentences", "entities", "quotes")]
    return run_stages(Article(id="t", text=text, language=language), needed).quotes


def speaker_of(found, start: str) -> str | None:
    return next(q.speaker for q in found if q.text.startswith(start))


def test_demo_pell_quote_is_pells_not_the_previous_speakers():
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    echo = next(r for r in rows if r["id"] == "teval-spill-en-valley-echo")
    found = quotes(echo["text"], "en")
    assert speaker_of(found, "We are cooperating fully") == "Graham Pell"
    assert speaker_of(found, "This is the worst fish kill") == "Anwen Roos"


def test_pronoun_resolves_to_the_nearest_person_of_its_gender():
    found = quotes(
        "Ms Maria Lopez, the health minister, opened the new ward on Monday.\n\n"
        "\"We have waited ten years for this hospital to open its doors,\" said Mr John Berg, the mayor.\n\n"
        "Lopez thanked the builders and the nurses who had worked through the winter.\n\n"
        "\"Nobody in this town will have to travel two hours for an operation again,\" she said.", "en")
    assert speaker_of(found, "We have waited") == "John Berg"
    assert speaker_of(found, "Nobody in this town") == "Maria Lopez"  # not the previous speaker, a man


def test_he_said_is_not_the_previous_speaker_of_the_other_gender():
    found = quotes(
        "\"The water is safe to drink again in every district,\" said Dr Helen Marsh, head of the water board. "
        "She added that tests would continue for a week.\n\n"
        "Company spokesman Tom Reyes said the firm regretted the leak. "
        "\"We will pay for every test and every repair that is needed,\" he said.", "en")
    assert speaker_of(found, "We will pay") == "Tom Reyes"


def test_a_title_is_not_a_name_and_unresolved_titles_stay_unknown():
    found = quotes(
        "The talks in Geneva ended without an agreement on Tuesday.\n\n"
        "\"There is no deal on the table and there will be none this week,\" the foreign minister said.\n\n"
        "\"We expect the other side to return with a serious offer,\" a government spokesman said.", "en")
    assert speaker_of(found, "There is no deal") is None
    assert speaker_of(found, "We expect the other side") is None
    assert all(q.confidence is not None and q.confidence < 0.5 for q in found if q.speaker is None)


def test_a_title_resolves_to_the_named_holder_of_that_role():
    found = quotes(
        "Foreign Minister Anna Varga met her counterpart in Geneva on Tuesday.\n\n"
        "\"There is no deal on the table and there will be none this week,\" the foreign minister said.", "en")
    assert speaker_of(found, "There is no deal") == "Anna Varga"


def test_the_person_spoken_to_is_not_the_speaker_nor_the_source():
    found = quotes(
        "Budi Sutiono, the pilot's brother, sat with the boy in the family's kitchen on Wednesday.\n\n"
        "\"I told Galih that his father will not be coming home because he has another job to do,\" "
        "said Budi Sutiono.\n\n"
        "Sutiono told his son Galih: \"Your father is a brave man and everyone here knows it.\"", "en")
    assert speaker_of(found, "I told Galih") == "Budi Sutiono"
    assert {q.source for q in found} == {None}
    assert speaker_of(found, "Your father is a brave man") == "Budi Sutiono"


def test_common_words_are_never_speakers():
    found = quotes(
        "The airline has said little since the crash.\n\n"
        "\"This is what we expected, and the sooner the body is returned, the better,\" the airline has said.", "en")
    assert speaker_of(found, "This is what we expected") is None


def test_quote_spanning_paragraphs_keeps_its_speaker():
    found = quotes(
        "Judge Neil Ford sentenced the plumber to three years.\n\n"
        "Judge Ford said: \"There was absolutely no malicious or hostile intention in this case.\n\n"
        "\"You knew the potential dangers of a carbon monoxide leak and you ignored them.\"", "en")
    assert speaker_of(found, "You knew the potential dangers") == "Neil Ford"


def test_german_quotes_with_their_speakers():
    found = quotes(
        "Die Feuerwehr war mit 80 Kräften im Einsatz, teilte die Stadt am Donnerstag mit.\n\n"
        "„Der Wind hat das Feuer direkt auf das Schiff zugetrieben“, sagte Einsatzleiter Daniel Okafor.\n\n"
        "Bürgermeisterin Karin Vogt besuchte am Abend den Hafen. „Wir werden den Betroffenen schnell helfen“, "
        "sagte sie.", "de")
    assert speaker_of(found, "Der Wind hat") == "Daniel Okafor"
    assert speaker_of(found, "Wir werden den Betroffenen") == "Karin Vogt"


def test_spanish_quotes_with_their_speakers():
    found = quotes(
        "El Banco Central subió los tipos de interés al 4,5 % el jueves.\n\n"
        "«La inflación es demasiado alta y se está extendiendo», advirtió la gobernadora, Ilse Marquand, "
        "en la rueda de prensa.\n\n"
        "«Muchas familias ya están al límite», señaló su presidenta, Marisa Echarri. «No podemos esperar más», "
        "añadió.", "es")
    assert speaker_of(found, "La inflación es") == "Ilse Marquand"
    assert speaker_of(found, "Muchas familias") == "Marisa Echarri"
    assert speaker_of(found, "No podemos esperar") == "Marisa Echarri"


def test_french_quotes_with_their_speakers():
    found = quotes(
        "Le maire de Saint-Aubry, Jean-Baptiste Orsoni, a annoncé des prélèvements quotidiens. "
        "« Nos pêcheurs et nos pisciculteurs sont inquiets, et on les comprend », a-t-il dit.\n\n"
        "« Si l'eau arrive chargée, nous fermerons la prise d'eau », explique son gérant, Franck Delbos.", "fr")
    assert speaker_of(found, "Nos pêcheurs") == "Jean-Baptiste Orsoni"
    assert speaker_of(found, "Si l'eau arrive") == "Franck Delbos"


def test_italian_and_portuguese_quotes_with_their_speakers():
    found = quotes(
        "Il ministro dell'Economia ha presentato il bilancio a Roma.\n\n"
        "«Il mercato sta mostrando piccoli segnali di ripresa», ha detto il presidente Marco Bellini.", "it")
    assert speaker_of(found, "Il mercato sta") == "Marco Bellini"
    found = quotes(
        "O governo anunciou novas medidas na segunda-feira.\n\n"
        "«Vamos proteger todas as famílias que precisam de ajuda», disse a ministra Ana Costa.", "pt")
    assert speaker_of(found, "Vamos proteger") == "Ana Costa"


def test_real_quotes_speakers_at_least_ninety_percent():
    need(SHARED / "datasets" / "real-world" / "pages" / "quotes.jsonl")
    import quote_speakers

    outcomes, n = quote_speakers.score_real(SHARED)
    assert outcomes["right"] / n >= 0.9, f"{quote_speakers.tally(outcomes)} of {n} real quotes"
    assert outcomes["wrong"] == 0, f"a real quote given to the wrong person: {quote_speakers.tally(outcomes)}"


def test_a_frame_inside_the_marks_names_the_speaker():
    found = quotes(
        "Les pompiers sont restés sur place toute la nuit à Vercelle.\n\n"
        "« Nous étions dans la cuisine quand l'alarme a sonné, explique Odile Marchand. Tout le monde est "
        "sorti en moins de deux minutes. »", "fr")
    assert speaker_of(found, "Nous étions dans la cuisine") == "Odile Marchand"


def test_a_quote_after_reported_speech_is_the_reporters_speaker():
    found = quotes(
        "Es gebe keinen Zweifel am Wert der neuen Regel, sagte Innenminister Jonas Brettschneider. "
        "„Aber jede Freiheit hat natürlich auch ihre Grenzen, und die ziehen wir jetzt.“", "de")
    assert speaker_of(found, "Aber jede Freiheit") == "Jonas Brettschneider"
    found = quotes(
        "La directora del hospital, Amalia Torres Vidal, indicó que las visitas seguirán suspendidas. "
        "\"Siempre es importante seguir todas las instrucciones de las autoridades sanitarias.\"", "es")
    assert speaker_of(found, "Siempre es importante") == "Amalia Torres Vidal"


def test_places_things_and_glued_sentences_are_no_speakers():
    found = quotes(
        "Le danseur Moussa Kane a dansé seul devant la Tour Eiffel.\n\n"
        "\"Je voulais mettre mon corps dans un espace aussi vaste que la prison\", a-t-il dit.", "fr")
    assert speaker_of(found, "Je voulais mettre") == "Moussa Kane"  # not the tower, the nearer "il"
    found = quotes(
        "\"Geduld ist eine Form der Liebe, und heute bitte ich um Entschuldigung\", sagte der Bischof beim "
        "traditionellen Angelusgebet auf dem Domplatz.", "de")
    assert speaker_of(found, "Geduld ist") is None  # the bishop is not named: no speaker rather than the prayer
    found = quotes(
        "\"Die Hotels konnten wegen der Pandemie nicht öffnen, und Tausende Saisonkräfte stehen ohne Einkommen da\", "
        "unterstreicht Verbandspräsident Manfred Pirchner.Deshalb verhandelt der Verband in Rom.", "de")
    assert speaker_of(found, "Die Hotels konnten") == "Manfred Pirchner"


def test_role_words_before_a_full_name_are_dropped_and_french_imperfect_frames_read():
    found = quotes(
        "Die Partei kritisierte den Plan scharf. NEOS Wien Wirtschaftssprecher Markus Obernig sagte: "
        "\"Politische Entscheidungen gehören zuerst in den Gemeinderat und nicht in eine Pressekonferenz!\"", "de")
    assert speaker_of(found, "Politische Entscheidungen") == "Markus Obernig"
    found = quotes(
        "Les électeurs étaient peu nombreux à Beauvais dans la matinée.\n\n"
        "« Au moins c'est fait, et puis on ne passe pas derrière tout le monde », confiait Marianne Lemaire, "
        "en glissant son bulletin dans l'urne.", "fr")
    assert speaker_of(found, "Au moins c'est fait") == "Marianne Lemaire"


def test_a_noun_of_the_reported_clause_is_no_speaker():
    found = quotes(
        "Es gebe keinen Zweifel am Wert der neuen Regel, sagte er am Montag. "
        "„Aber jede Freiheit hat natürlich auch ihre Grenzen, und die ziehen wir jetzt.“", "de")
    assert speaker_of(found, "Aber jede Freiheit") is None  # "er" has no antecedent here; "Regel" is no one
