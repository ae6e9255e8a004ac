"""A small news tone lexicon per language: words that load a report negatively or positively.

Hand-written for storylens (no lexicon covers these languages offline in one scale).
An entry ending in ``*`` matches every word starting with it; others match whole words,
case-insensitively. Languages: en, de, fr, es, it, nl. The lists favour conflict, harm,
blame and decline (negative) and help, agreement, success and recovery (positive); they are
indicators, not a sentiment model.
"""

from __future__ import annotations

NEGATIVE: dict[str, str] = {
    "en": """attack* kill* dead death* deadly war wars violen* terror* crisis crises catastroph* disaster*
        fear* threat* condemn* accus* blam* fail* collapse* damag* destr* victim* injur* wound* casualt*
        bomb* clash* riot* chaos chaotic danger* worst worse loss losses slump* plung* crash* scandal*
        corrupt* fraud* illegal* arrest* insurgen* militan* regime absurd outrage* anger angry critic*
        oust* toppl* spill* pollut* contamin* toxic* alarm* warn* hostil* fight* brutal* panic* protest*
        unrest turmoil""",
    "de": """angriff* anschlag* tot tote toten tod* tödlich* krieg* gewalt* terror* krise* katastroph*
        angst bedroh* droh* verurteil* vorw* schuld* scheiter* zusammenbruch* schaden* schäden* zerstör*
        opfer* verletz* bombe* zusammenstö* krawall* chaos gefahr* gefährlich* schlimm* verlust* einbr*
        absturz* skandal* korrupt* betrug* illegal* festnahm* aufständ* milizen* regime empör* wut
        wütend* kritik* kritisier* stürz* verschmutz* giftig* alarm* warn* feindlich* kampf* kämpf*
        brutal* panik* protest* unruhe*""",
    "fr": """attaque* attentat* tué* tuer mort morts décès meurtri* guerre* violen* terror* crise*
        catastroph* désastr* peur* menac* condamn* accus* blâm* échec* échou* effondr* dommage* détrui*
        destruct* victime* bless* bombe* bombard* affrontement* émeute* chaos danger* pire perte* chute*
        krach scandal* corrompu* corruption fraude* illégal* arrest* insurg* milic* régime absurde
        indign* colère critique* critiqu* renvers* pollu* contamin* toxique* alarm* alert* hostil*
        combat* brutal* panique* manifestation* troubles""",
    "es": """ataque* atentado* matar mató muert* guerra* violen* terror* crisis catástrofe* catastróf*
        desastr* miedo temor* amenaz* conden* acus* culp* fracas* colaps* derrumb* daño* destru* víctima*
        herid* bomba* bombarde* enfrentamiento* disturbio* alborot* caos peligr* peor pérdida* caída*
        desplom* escándalo* corrup* fraude* ilegal* detenid* arrest* insurgent* milicia* régimen absurd*
        indign* ira enfad* crític* critic* derroc* contamin* tóxic* alarm* alert* hostil* combat* lucha*
        brutal* pánico* protesta* disturbios""",
    "it": """attacc* attentat* uccis* uccider* mort* guerra* violen* terror* crisi catastrof* disastr*
        paura minacc* condann* accus* colpa* fallim* crollo* crollat* dann* distru* vittim* ferit* bomba*
        bombard* scontr* rivolt* caos pericol* peggio* perdit* calo crac scandal* corrot* corruzione
        frode* illegal* arrest* insort* milizi* regime assurd* indign* rabbia critic* rovesci* inquin*
        contamin* tossic* allarm* ostil* combatt* lotta brutal* panico protest* disordin*""",
    "nl": """aanval* aanslag* gedood dood doden oorlog* geweld* terror* crisis catastrof* ramp* angst
        bedreig* dreig* veroordeel* beschuldig* schuld* misluk* instort* schade* vernietig* slachtoffer*
        gewond* bom bommen botsing* rellen chaos gevaar* gevaarlijk* erger ergst* verlies* daling* crash
        schandaal* corrupt* fraude* illegaal* arrest* opstandeling* milities regime absurd* woede boos
        kritiek* bekritiseer* omverwerp* vervuil* giftig* alarm* waarschuw* vijandig* gevecht* brutaal*
        paniek protest* onrust""",
}

POSITIVE: dict[str, str] = {
    "en": """welcom* support* success* succeed* win wins won victor* peace* agree* improv* recover* growth
        gain* hope* help* safe* safety secur* benefit* celebrat* prais* strong* stabl* stabil* progress*
        achiev* boost* resolv* solution* cooperat* protect* rescu* relief commend* optimis*""",
    "de": """begrüß* unterstütz* erfolg* gewinn* gewonnen sieg* frieden* friedlich* einig* einigung*
        verbesser* erhol* wachstum hoffnung* hoff* hilf* helf* hilfe sicher* nutzen profit* feier* lob*
        stark* stabil* fortschritt* erreich* lösung* zusammenarbeit* schütz* schutz rettung* rett*
        erleichter* optimis*""",
    "fr": """accueill* salu* soutien* soutenir soutient succès réussi* gagn* victoire* paix pacifique*
        accord* amélior* reprise* rétabl* croissance espoir* espér* aide* aider sûr* sécurit* bénéfic*
        célébr* félicit* fort* stabl* stabilit* progrès réalis* solution* coopér* protég* protection
        sauv* soulag* optimis*""",
    "es": """acog* celebr* apoy* éxito* exitos* gan* victoria* paz pacífic* acuerdo* mejor* recuper*
        crecimiento esperanz* ayud* segur* benefici* elogi* fuert* establ* progres* logr* solución*
        cooper* proteg* protección rescat* alivio optimis*""",
    "it": """accogl* sostegn* sosten* success* vinc* vitto* pace pacific* accord* miglior* ripres*
        recuper* crescita speranz* sper* aiut* sicur* benefic* festegg* elog* fort* stabil* progress*
        raggiung* soluzion* cooper* protegg* protezione salvat* sollievo ottimis*""",
    "nl": """verwelkom* steun* succes* gewonnen winst* overwinning* vrede* vreedzaam* akkoord* overeenkomst*
        verbeter* herstel* groei hoop hoopt help* hulp veilig* voordeel* vier* prijz* sterk* stabiel*
        stabilit* vooruitgang bereik* oplossing* samenwerk* bescherm* redding* opluchting optimis*""",
}
