"""Small per-language word lists used by the multilingual analysis signals.

Languages covered: en, de, fr, es, it, nl, pl, tr, ar. A language missing here still
gets embeddings, sentences and quotes; it only lacks these lexical hints.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {}
for _lang_months in (
    "january february march april may june july august september october november december",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
):
    for _i, _name in enumerate(_lang_months.split(), start=1):
        MONTHS.setdefault(_name, _i)
        MONTHS.setdefault(_name.replace("ı", "i"), _i)  # "MAYIS".lower() is "mayis"
for _abbr, _i in (("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7),
                  ("aug", 8), ("sep", 9), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12)):
    MONTHS.setdefault(_abbr, _i)

WEEKDAYS: dict[str, str] = {}
for _lang_days in (
    "monday tuesday wednesday thursday friday saturday sunday",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "lunes martes miércoles jueves viernes sábado domingo",
    "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "poniedziałek wtorek środa czwartek piątek sobota niedziela",
    "pazartesi salı çarşamba perşembe cuma cumartesi pazar",
):
    for _name, _key in zip(_lang_days.split(), ("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        WEEKDAYS.setdefault(_name, _key)
        WEEKDAYS.setdefault(_name.replace("ı", "i"), _key)  # "SALI".lower() is "sali"

MULTIPLIERS = {
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
    "tausend": 1e3, "millionen": 1e6, "mio": 1e6, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9,
    "mille": 1e3, "milliard": 1e9, "milliards": 1e9,
    "mil": 1e3, "millón": 1e6, "millones": 1e6, "milliardo": 1e9, "miliardi": 1e9, "milioni": 1e6,
    "milion": 1e6, "milionów": 1e6, "miliard": 1e9, "miliardów": 1e9, "bin": 1e3, "milyon": 1e6,
    "milyar": 1e9,
}

# Verbs of speech that tie a quotation to its speaker.
SPEECH_VERBS = (
    "said|says|told|tells|added|adds|stressed|warned|explained|noted|claimed|insisted|declared|"
    "asked|wrote|tweeted|stated|argued|continued|responded|replied|announced|recalled|admitted|"
    "sagte|sagt|erklärte|betonte|meinte|warnte|fügte|schrieb|so|"
    "a déclaré|a dit|a affirmé|a ajouté|a expliqué|a souligné|a estimé|déclare|affirme|explique|"
    "dijo|afirmó|declaró|aseguró|explicó|señaló|añadió|agregó|"
    "ha detto|ha dichiarato|ha affermato|ha aggiunto|"
    "zei|verklaarde|"
    "powiedział|powiedziała|stwierdził|stwierdziła|dodał|dodała|"
    "dedi|söyledi|belirtti|ifade etti|"
    "قال|وقال|أضاف|وأضاف"
)

# "according to X", "X quoted Y as saying": where an article credits a source.
SOURCE_CUES = (
    "according to|citing|laut|zufolge|berichtete|zitierte|selon|d'après|d’après|"
    "según|citando|secondo|volgens|według|göre|نقلا عن|وفقا ل"
)

# Words that may sit inside a name without a capital: al-Moualem, Ursula von der Leyen.
NAME_PARTICLES = frozenset(
    "al el ad as ash az ar an ibn bin ben bint abu de del della der den di da dos du la le "
    "van von ter zu y".split()
)

# Capitalised words that are not names (sentence openers, titles, function words).
NOT_NAMES = frozenset(
    """the a an this that these those he she it we they i you his her its our their
    mr mrs ms dr prof sir president minister prime foreign secretary general chancellor
    state government army police
    monday tuesday wednesday thursday friday saturday sunday
    der die das ein eine dies diese er sie es wir ihr und oder aber doch auch im am
    herr frau präsident minister kanzler bundeskanzler
    le la les un une des ce cette il elle ils elles nous vous et mais ou au aux du
    m mme président ministre
    el los las una unos unas este esta ese esa él ella ellos y pero o al del sr sra
    il lo gli uno questo questa e ma
    de het een dit deze zij wij en maar
    w na z i o że to ten ta
    bu şu ve ile da de""".split()
)

# German capitalises every noun: single words with these endings are nouns, not names.
GERMAN_NOUN_SUFFIXES = (
    "ung", "ungen", "heit", "keit", "schaft", "schaften", "tät", "täten", "ion", "ionen",
    "ismus", "chen", "lein", "nis", "nisse", "tum", "ment",
)
