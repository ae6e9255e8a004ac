"""Per-language word lists for the claim check (``coverage.claims``).

Number words from two to twenty and the tens (one is left out: it is also the indefinite
article in most of these languages), and the words that negate a statement. Languages: en,
de, fr, es, it, nl, pt. A language missing here still gets digits, dates, names and quotes.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

_NUMBERS = {
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
          "sechzehn siebzehn achtzehn neunzehn zwanzig",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
          "seize dix-sept dix-huit dix-neuf vingt",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
          "dieciséis diecisiete dieciocho diecinueve veinte",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
          "sedici diciassette diciotto diciannove venti",
    "nl": "twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
          "zestien zeventien achttien negentien twintig",
    "pt": "dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze "
          "dezesseis dezessete dezoito dezenove vinte",
}
_TENS = {
    "en": "thirty forty fifty sixty seventy eighty ninety",
    "de": "dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
    "fr": "trente quarante cinquante soixante soixante-dix quatre-vingt quatre-vingts quatre-vingt-dix",
    "es": "treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "it": "trenta quaranta cinquanta sessanta settanta ottanta novanta",
    "nl": "dertig veertig vijftig zestig zeventig tachtig negentig",
    "pt": "trinta quarenta cinquenta sessenta setenta oitenta noventa",
}
_TENS_VALUES = {"soixante-dix": 70, "quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90}

NUMBER_WORDS: dict[str, dict[str, int]] = {}
for _lang, _words in _NUMBERS.items():
    NUMBER_WORDS[_lang] = {w: n for n, w in enumerate(_words.split(), start=2)}
    for _n, _w in enumerate(_TENS[_lang].split(), start=3):
        NUMBER_WORDS[_lang][_w] = _TENS_VALUES.get(_w, _n * 10)
NUMBER_WORDS["de"]["zwo"] = 2
NUMBER_WORDS["es"]["dieciseis"] = 16
NUMBER_WORDS["pt"]["dezasseis"], NUMBER_WORDS["pt"]["dezassete"] = 16, 17

NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset("no not never none nothing nobody neither nor cannot n't".split()),
    "de": frozenset("nicht kein keine keinen keiner keinem keines nie niemals nichts niemand".split()),
    "fr": frozenset("ne pas jamais aucun aucune rien".split()),  # and the elided n' (claims.py)
    "es": frozenset("no nunca ningún ninguno ninguna nada nadie jamás tampoco".split()),
    "it": frozenset("non mai nessun nessuno nessuna niente nulla".split()),
    "nl": frozenset("niet geen nooit niets niemand".split()),
    "pt": frozenset("não nunca nenhum nenhuma nada ninguém jamais".split()),
}


@lru_cache(maxsize=None)
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for ``language`` (empty when spaCy has none)."""
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except (ImportError, ValueError):
        return frozenset()
    return frozenset(w.lower() for w in module.STOP_WORDS)
