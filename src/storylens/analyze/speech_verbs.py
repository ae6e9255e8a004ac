"""Per-language words that attribute a quotation: verbs of saying, pronouns, titles, roles.

Kept as small per-language tables, as spaCy keeps its ``lang/<xx>/`` data: the
attribution rules (``storylens.analyze.attribution``) are the same for every language and
read only these lists. Languages: en, de, es, fr, it, pt. An article in one of them reads
its own language's tables (``tables_for``); an article of another or unknown language
reads them all together, so it still finds its speakers.
"""

from __future__ import annotations

# Finite verbs of saying. Multiword forms ("a déclaré", "ha detto") are matched as units;
# French and Portuguese inversions ("a-t-il dit", "disse-o") are matched by the attribution rules.
SAY_VERBS: dict[str, str] = {
    "en": """said says say told tells added adds stressed stresses warned warns explained explains
        noted  claimed  insisted insists declared declares asked asks wrote writes tweeted
         stated  argued argues continued continues responded responds replied replies
        announced announces recalled recalls admitted admits acknowledged acknowledges conceded
        concedes complained complains laughed laughs shouted shouts cautioned cautions recounted
         remarked  observed  suggested  urged  vowed 
        confirmed confirms posted  commented  testified testifies maintained 
        predicted  quipped  joked  sighed  countered  """,
    "de": """sagte sagt sagten sagen erklärte erklärt betonte betont meinte meint warnte warnt fügte
        fügt schrieb schreibt sprach spricht kritisierte kritisiert versicherte versichert räumte
        räumt bekräftigte bekräftigt forderte fordert berichtete berichtet erzählte erzählt
        ergänzte ergänzt teilte teilt kommentierte kommentiert hieß heißt unterstrich unterstreicht
        versprach verspricht kündigte lobte mahnte""",
    "es": """dijo dice dicen dijeron afirmó afirma declaró declara aseguró asegura explicó explica
        señaló señala añadió añade agregó agrega indicó indica manifestó manifiesta subrayó subraya
        advirtió advierte sostuvo sostiene insistió insiste comentó comenta apuntó apunta destacó
        destaca reconoció reconoce escribió escribe preguntó pregunta respondió responde recordó
        recuerda expresó expresa relató relata proclamó lamentó denunció sentenció concluyó criticó
        reiteró precisó detalló admitió confesó replicó remarcó enfatizó aclaró opinó anunció avisó
        puntualizó""",
    "fr": """a déclaré a dit a affirmé a ajouté a expliqué a souligné a estimé a indiqué a précisé
        a assuré a insisté a reconnu a martelé a lancé a répondu a écrit a confié a averti a noté
        déclare dit affirme ajoute explique souligne estime indique précise assure insiste reconnaît
        martèle  répond écrit confie avertit  raconte résume commente poursuit
        déclarait disait expliquait racontait a réagi réagit a confirmé a annoncé a prévenu a rappelé
        a conclu a résumé a commenté a regretté regrette a tranché tranche a plaidé plaide a poursuivi
        a jugé a dénoncé dénonce a fait valoir confiait ajoutait affirmait précisait assurait soulignait
        lançait estimait indiquait répondait commentait poursuivait résumait insistait avouait""",
    "it": """ha detto ha dichiarato ha affermato ha aggiunto ha spiegato ha sottolineato ha scritto
        ha ricordato ha commentato ha precisato ha assicurato ha ammesso ha risposto ha concluso
        ha osservato ha annunciato ha raccontato dice dichiara afferma aggiunge spiega sottolinea
        scrive ricorda commenta precisa assicura ammette risponde conclude osserva racconta disse
        dichiarò affermò aggiunse spiegò ha confermato ha ribadito ha replicato ha rilevato
        ha evidenziato ha avvertito ha denunciato ha sostenuto sostiene""",
    "pt": """disse diz afirmou afirma declarou declara explicou explica acrescentou acrescenta
        garantiu garante sublinhou sublinha destacou destaca escreveu escreve lembrou lembra
        comentou comenta respondeu responde salientou salienta assegurou assegura contou 
        revelou revela ressaltou ressalta frisou frisa lamentou defendeu considerou adiantou referiu
        reconheceu admitiu concluiu anunciou relatou alertou avisou""",
}

# Verbs whose object is the person spoken to ("told his son Galih"): never inverted in
# English, so "told X" names the addressee, not the speaker.
ADDRESS_VERBS = frozenset("told tells".split())

# Words that introduce a speaker after a quotation: "„...“, so Müller", "«...», selon X".
ACCORDING_TO: dict[str, str] = {
    "en": "according to",
    "de": "so|laut|zufolge",
    "es": "según",
    "fr": "selon|d'après|d’après",
    "it": "secondo",
    "pt": "segundo|de acordo com",
}

# Subject pronouns and their gender (m, f; None when either).
PRONOUNS: dict[str, dict[str, str | None]] = {
    "en": {"he": "m", "she": "f"},
    "de": {"er": "m", "sie": "f"},
    "es": {"él": "m", "ella": "f"},
    "fr": {"il": "m", "elle": "f"},
    "it": {"lui": "m", "lei": "f", "egli": "m"},
    "pt": {"ele": "m", "ela": "f"},
}

# Pronouns of any case that show a person's gender when they follow the person's name.
GENDER_WORDS: dict[str, dict[str, str]] = {
    "en": {"he": "m", "his": "m", "him": "m", "himself": "m", "she": "f", "her": "f", "hers": "f",
           "herself": "f"},
    "de": {"er": "m", "seine": "m", "seinen": "m", "seinem": "m", "seiner": "m", "ihn": "m"},
    "es": {"él": "m", "ella": "f"},
    "fr": {"il": "m", "elle": "f"},
    "it": {"lui": "m", "lei": "f"},
    "pt": {"ele": "m", "ela": "f"},
}

# Titles of address before a name, with the gender they show.
TITLES: dict[str, str | None] = {
    "mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "sir": "m",
    "lady": "f", "lord": "m", "dame": "f", "dr": None, "dr.": None, "prof": None, "prof.": None,
    "herr": "m", "frau": "f", "m.": "m", "mme": "f", "mme.": "f", "mlle": "f", "monsieur": "m",
    "madame": "f", "sr.": "m", "sra.": "f", "señor": "m", "señora": "f", "don": "m", "doña": "f",
    "sig.": "m", "sig.ra": "f", "signor": "m", "signora": "f", "senhor": "m", "senhora": "f",
    "dona": "f", "judge": None, "sen.": None, "rep.": None, "gov.": None, "gen.": None,
    "king": "m", "queen": "f", "prince": "m", "princess": "f", "pope": "m", "father": "m",
    "sister": "f", "brother": "m", "uncle": "m", "aunt": "f",
}

# Nouns that describe a person by role. A definite description of one ("the Conservative MP",
# "der Minister") refers to a person the article names; an indefinite one ("a GE spokesman")
# introduces someone unnamed.
ROLES = frozenset("""minister secretary spokesperson president mayor governor senator mp lawmaker
    legislator director chief boss head official chairman ceo executive judge prosecutor lawyer
    attorney coach manager captain player striker analyst economist expert professor scientist
    doctor officer commissioner leader ambassador chancellor premier founder co-founder owner
    co-owner organiser organizer researcher engineer oceanographer pilot priest survivor
    campaigner activist candidate diplomat envoy general commander investigator inspector
    superintendent negotiator adviser advisor aide consultant strategist historian author writer
    singer star winner whip
    sprecher präsident bürgermeister trainer chef direktor kanzler abgeordnete abgeordneter
    vorsitzende vorsitzender richter
    ministro presidente alcalde director entrenador jefe portavoz juez
    ministre président maire directeur entraîneur porte-parole juge
    sindaco direttore allenatore portavoce giudice
    prefeito diretor treinador técnico porta-voz
    player joueur jugador giocatore jogador spieler gouverneur gouverneure gobernador gobernadora
    governatore governador préfet gérant gerente""".split())

# Endings of German compound role nouns written before a name ("Einsatzleiter Daniel Okafor").
ROLE_ENDINGS = ("leiter", "leiterin", "führer", "führerin", "direktor", "direktorin", "sprecher", "sprecherin",
                "minister", "ministerin", "präsident", "präsidentin", "chef", "chefin", "trainer", "trainerin",
                "vorsitzende", "vorsitzender", "manager", "managerin", "stürmer", "spieler", "spielerin",
                "kommissar", "kommissarin", "beauftragte", "beauftragter", "experte", "expertin", "forscher",
                "forscherin", "meister", "meisterin", "anwalt", "anwältin", "richter", "richterin")

# Possessives that open a description like a determiner: "son gérant, Franck Delbos".
POSSESSIVES = frozenset("his her its their sein seine ihr ihre su sus son sa ses leur suo sua seu".split())

# Person nouns that show a gender, in any language.
GENDERED_NOUNS: dict[str, str] = {
    **dict.fromkeys("""spokesman chairman businessman congressman father son husband brother
        grandson uncle nephew boy king prince actor""".split(), "m"),
    **dict.fromkeys("""spokeswoman chairwoman businesswoman congresswoman mother daughter wife
        sister granddaughter aunt niece girl queen princess actress
        ministerin sprecherin präsidentin bürgermeisterin trainerin chefin direktorin kanzlerin
        ministra presidenta alcaldesa directora entrenadora présidente mairesse directrice
        sindaca direttrice allenatrice prefeita diretora treinadora""".split(), "f"),
}
ROLES = ROLES | frozenset(GENDERED_NOUNS)

# Role nouns so general that a description by them is never resolved to a name.
GENERIC_ROLES = frozenset("""man woman person people guy resident witness source official
    officials someone mann frau hombre mujer homme femme uomo donna homem mulher""".split())

# Heads of descriptions that name an institution, not a person: a speaker only when the
# description carries a proper name ("the Scottish government", "die Bundesregierung").
INSTITUTIONS = frozenset("""government ministry police army company firm airline court agency
    authority council department office navy military administration commission committee
    union party club team group association federation bank board embassy white house kremlin
    regierung ministerium polizei gobierno ministerio policía gouvernement ministère police
    governo ministero polizia""".split())

# Determiners that open a description: definite ones refer back, indefinite ones do not.
DEFINITE = frozenset("the this that der die das dem den des el la los las le les l' l’ il lo o os".split())
INDEFINITE = frozenset("a an one ein eine einer einem un una uno une um uma".split())

# Words that are never a speaker by themselves, whatever their capitalisation.
NOT_SPEAKERS = frozenset("""has have had is was were be been it this that there here they we you
    i me us them who which what when where why how all some many several one two three
    also then now but and or so if as at in on of for with by from""".split())


# The first word of a name that is a place, a building or a street, never a speaker ("Tour
# Eiffel", "Place de la Concorde", "Plaza de Mayo", "Piazza San Pietro", "Palais Bourbon").
PLACE_HEADS = frozenset("""tour place rue avenue boulevard quai gare pont musée palais église cathédrale hôtel parc
    lac île château stade théâtre plaza calle avenida museo palacio puerta estadio parque teatro iglesia
    catedral puente piazza viale palazzo stadio ponte chiesa duomo lago
    platz straße strasse kirche schloss brücke bahnhof""".split())
# German compounds that end in these are things, not people ("Angelusgebet", "Petersplatz");
# a word only a few letters longer than the ending may be a surname (Neuhaus, Backhaus).
THING_ENDINGS = ("gebet", "platz", "straße", "strasse", "kirche", "gebäude", "gericht")
THING_MIN_STEM = 4  # letters before the ending


def tables_for(language: str | None) -> tuple[str, ...]:
    """The languages whose tables an article in ``language`` reads: its own, else all."""
    return (language,) if language in SAY_VERBS else tuple(SAY_VERBS)


def all_verbs(languages: tuple[str, ...] | None = None) -> list[str]:
    """The verbs of saying of these languages (default: every one), longest first (multiword forms win)."""
    verbs = {" ".join(v.split()) for lang, text in SAY_VERBS.items() if languages is None or lang in languages
             for v in _split_forms(text)}
    return sorted(verbs, key=lambda v: (-len(v), v))


def _split_forms(text: str) -> list[str]:
    """Forms of one table entry: French/Italian auxiliary forms are two words."""
    words, out, i = text.split(), [], 0
    while i < len(words):
        if words[i] in ("a", "ha") and i + 1 < len(words):
            out.append(f"{words[i]} {words[i + 1]}")
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


def pronoun_gender(word: str, languages: tuple[str, ...] | None = None) -> tuple[bool, str | None]:
    """(is a subject pronoun of these languages (default: any), its gender)."""
    lowered = word.lower()
    for lang, table in PRONOUNS.items():
        if (languages is None or lang in languages) and lowered in table:
            return True, table[lowered]
    return False, None
