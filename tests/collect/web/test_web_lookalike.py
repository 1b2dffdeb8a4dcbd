"""Partner mentions beside a real relation term that are no partner of the EU place (:mod:`...web.lookalike`)."""

import pytest


def _partners(detector, text: str, language: str) -> set[str]:
    return {f.partner_id for f in detector.detect(text, language=language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Die Städtepartnerschaft zwischen Esslingen und Sheboygan im US-Bundesstaat Wisconsin wurde 1957 begründet.",
            "de",
        ),
        (
            "All sister city partnerships of Esslingen are within the state of Wisconsin: Esslingen with Sheboygan.",
            "en",
        ),
    ],
)
def test_a_state_named_as_a_location_is_no_partner(web_detector, text, language):
    assert _partners(web_detector, text, language) == {"us-place-sheboygan"}


def test_a_state_named_as_a_partner_stays_one(web_detector):
    text = "Die Partnerschaft zwischen Esslingen und dem Bundesstaat Wisconsin wurde 1957 begründet."
    assert _partners(web_detector, text, "de") == {"us-state-wi"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Neben Esslingen hat Chicago folgende Partnerstädte: Vienne (Frankreich) und Shanghai (China).",
            {"us-place-chicago"},
        ),
        (
            "Esslingen hat folgende Partnerstädte: Vienne (Frankreich), Chicago und Shanghai (China).",
            {"us-place-chicago", "cn-pref-3101"},
        ),
        ("Esslingen ist Partnerstadt von Chicago und Shanghai.", {"us-place-chicago", "cn-pref-3101"}),
    ],
)
def test_the_partners_of_a_us_or_chinese_place_are_not_the_eu_places_partners(web_detector, text, expected):
    assert _partners(web_detector, text, "de") == expected


@pytest.mark.parametrize(
    ("twin", "expected"), [("die Twin Cities", set()), ("eine Metropole", {"us-place-minneapolis"})]
)
def test_a_name_beside_the_place_name_twin_cities_is_part_of_it(web_detector, twin, expected):
    text = f"Saint Paul ist seit 1999 Partnerstadt von Esslingen und bildet mit Minneapolis {twin}."
    assert _partners(web_detector, text, "de") - {"us-place-saint-paul"} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Toledo signed a twinning agreement with Chicago, said Abigail Memphis yesterday.", {"us-place-chicago"}),
        ("The twinning of Toledo with Chicago-style pizza festivals is over.", set()),
        ("The twinning of Toledo with Chicago was signed in 1990.", {"us-place-chicago"}),
        ("The twinning of Toledo with Chicago was signed before consul Memphis-Lee Shen.", {"us-place-chicago"}),
    ],
)
def test_a_surname_or_a_word_part_is_no_partner(web_detector, text, expected):
    assert _partners(web_detector, text, "en") == expected


def test_a_country_name_in_an_eu_language_is_no_us_town():
    from analysis.collect.web.places import country_name_keys

    assert {"nederland", "polska", "deutschland"} <= country_name_keys()


@pytest.mark.parametrize(("day", "expected"), [("na quarta-feira", {"cn-pref-4201"}), ("na feira", set())])
def test_a_weekday_that_holds_a_fair_word_is_no_forum(web_detector, day, expected):
    text = f"O Município de Toledo e a cidade de Wuhan celebram {day} um memorando de entendimento."
    assert _partners(web_detector, text, "pt") == expected


@pytest.mark.parametrize(
    ("text", "language", "expected", "absent"),
    [
        # a US place name used as a given name before a surname
        (
            "Kraków signed a twinning agreement with Chicago; the delegation was led by Memphis Landry.",
            "en",
            {"us-place-chicago"},
            "us-place-memphis",
        ),
        # two US places that say where the partner lies
        (
            "Kraków is twinned with Sheboygan in Wisconsin, a city midway between Chicago and Memphis.",
            "en",
            {"us-place-sheboygan"},
            "us-place-chicago",
        ),
    ],
)
def test_persons_and_places_that_locate_the_partner_are_no_partners(web_detector, text, language, expected, absent):
    found = _partners(web_detector, text, language)
    assert expected <= found and absent not in found


def test_a_place_inside_the_partner_the_relation_term_names_is_no_partner(web_detector):
    text = "Brno hosted a delegation from the city of Wuhan in the partner province Hubei."
    assert "cn-pref-4201" not in _partners(web_detector, text, "en")


def test_a_relation_term_held_by_a_partner_name_is_not_lent_to_the_next_sentence(web_detector):
    text = "Brno hosted a delegation from the partner province Hubei. Its trade is second only to Shanghai."
    assert "cn-pref-3101" not in _partners(web_detector, text, "en")


@pytest.mark.parametrize(
    ("text", "language", "partner", "status"),
    [
        ("Duisburgs systerort i Kina, Wuhan, tar emot en delegation.", "sv", "cn-pref-4201", "established"),
        ("Riga se va înfrăți cu Chicago.", "ro", "us-place-chicago", "planned"),
        (
            "Kraków utrzymuje kontakty partnerskie z miastami: Chicago (USA), Lwów.",
            "pl",
            "us-place-chicago",
            "established",
        ),
    ],
)
def test_relation_terms_in_other_forms(web_detector, text, language, partner, status):
    found = {(f.partner_id, f.status) for f in web_detector.detect(text, language=language)}
    assert (partner, status) in found


def test_a_dateline_is_where_the_report_was_written(web_detector):
    text = (
        "Chicago. Mehr als 200 Städtepartnerschaften verbinden Deutschland mit den USA, etwa Esslingen und Sheboygan."
    )
    assert "us-place-chicago" not in _partners(web_detector, text, "de")


@pytest.mark.parametrize(
    ("text", "language", "city"),
    [
        ("Brno signed a cooperation agreement with the district of Qingbaijiang (Beijing).", "en", "cn-pref-1101"),
        (
            "Wuhanin kaupunkiin kuuluva Qingbaijiangin kaupunginosa allekirjoitti ystävyyskaupunkisopimuksen Brnon kanssa.",
            "fi",
            "cn-pref-4201",
        ),
        ("Brno will sign a twinning agreement with a district of Wuhan next month.", "en", "cn-pref-4201"),
    ],
)
def test_the_city_that_holds_a_partner_district_is_no_partner(web_detector, text, language, city):
    assert city not in _partners(web_detector, text, language)


def test_tourism_as_one_field_of_a_cooperation_is_no_look_alike(web_detector):
    text = "Kraków and Chicago signed a cooperation agreement on the economy, culture and tourism, sport and education."
    listed = _partners(web_detector, text, "en")
    alone = _partners(web_detector, "Kraków and Chicago signed a cooperation agreement on tourism.", "en")
    assert listed == {"us-place-chicago"} and alone == set()


def test_relations_between_two_places_with_a_municipal_cue_are_a_cooperation(web_detector):
    text = "Primarul a vorbit despre relaţiile dintre municipiul Riga şi municipiul Chicago."
    found = {(f.partner_id, f.relation_type) for f in web_detector.detect(text, language="ro")}
    assert found == {("us-place-chicago", "cooperation")}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Wuhan liegt in der Provinz Hubei, die mit Esslingen seit 20 Jahren eine Partnerschaft unterhält.",
            "de",
            {"cn-prov-42"},
        ),
        (
            "Sheboygan lies in the state of Wisconsin, which has been a partner state of Esslingen since 1990.",
            "en",
            {"us-state-wi"},
        ),
        ("Wuhan in der Provinz Hubei ist seit 1982 die Partnerstadt von Duisburg.", "de", {"cn-pref-4201"}),
    ],
)
def test_a_relation_term_in_a_relative_clause_belongs_to_the_place_before_it(web_detector, text, language, expected):
    assert _partners(web_detector, text, language) == expected


def test_a_relation_term_that_names_its_partner_after_it_is_not_a_name_before_it(web_detector):
    text = "The mayor of Brno is leading a delegation to New York and Brno's sister city of Chicago this week."
    assert _partners(web_detector, text, "en") == {"us-place-chicago"}
    assert _partners(web_detector, "Chicago is the sister city of Brno.", "en") == {"us-place-chicago"}


def test_the_city_that_holds_a_partner_district_named_with_a_district_word_is_no_partner(web_detector):
    text = "Brno signed a twinning agreement with Qingbaijiang, a district of Wuhan."
    assert _partners(web_detector, text, "en") == {"cn-dist-510113"}
    listed = "Brno signed twinning agreements with Shanghai, Beijing and Wuhan."
    assert _partners(web_detector, listed, "en") == {"cn-pref-3101", "cn-pref-1101", "cn-pref-4201"}

    assert "cn-pref-4201" in _partners(web_detector, "Brno will sign a twinning agreement with Wuhan.", "en")
    named = "Brno will sign a twinning agreement with the Chinese district of Qingbaijiang next month."
    assert "cn-dist-510113" in _partners(web_detector, named, "en")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Se aprobă semnarea acordului de înfrățire între Municipiul Esslingen și Orașul Sheboygan, din Wisconsin.",
            "ro",
            {"us-place-sheboygan"},
        ),
        (
            "Esslingen pasirašys Esslingeno ir Wuhan miesto, Hubei provincijos memorandumą dėl bendradarbiavimo.",
            "lt",
            {"cn-pref-4201"},
        ),
        (
            "Xiamen liegt in der Provinz Hubei, die mit Esslingen seit 20 Jahren eine Partnerschaft unterhält.",
            "de",
            {"cn-prov-42"},
        ),
    ],
)
def test_the_state_or_province_of_the_partner_named_after_it_is_no_partner(web_detector, text, language, expected):
    assert _partners(web_detector, text, language) == expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [(" en Égypte", {"us-place-chicago"}), ("", {"us-place-chicago", "us-place-memphis"})],
)
def test_a_name_placed_in_another_country_by_a_preposition_is_that_countrys_place(web_detector, country, expected):
    text = f"Esslingen est jumelée avec Chicago et Memphis{country}."
    assert _partners(web_detector, text, "fr") == expected


def test_a_name_inside_a_chinese_persons_name_is_the_persons():
    from types import SimpleNamespace

    from analysis.collect.web.lookalike import _person
    from analysis.collect.web.matcher import TermHit

    text = "estuvo presente el secretario del Comité, Jiajun Yuan y otros."
    start = text.index("Yuan")
    mention = SimpleNamespace(hit=SimpleNamespace(orig_start=start, orig_end=start + 4))
    person = TermHit("cn_person", "*", "(a Chinese person's name)", 0, 0, text.index("Jiajun"), start + 4)
    assert "Jiajun Yuan" in _person(text, mention, [mention], [person], "es")


@pytest.mark.parametrize(
    ("party", "expected"), [("Camera de Comerț din Esslingen", set()), ("Municipiul Esslingen", {"cn-pref-4201"})]
)
def test_a_cooperation_between_chambers_of_commerce_is_a_business_lookalike(web_detector, party, expected):
    text = f"A fost semnată Convenția de colaborare între {party} și orașul Wuhan."
    assert _partners(web_detector, text, "ro") == expected


@pytest.mark.parametrize(("club", "expected"), [('"Miner"-Chicago', set()), ("Chicago", {"us-place-chicago"})])
def test_a_name_glued_by_a_hyphen_to_a_quoted_word_is_part_of_a_clubs_name(web_detector, club, expected):
    text = f"Die Idee der Städtepartnerschaft von Esslingen kam vom Fußballverein {club}."
    assert _partners(web_detector, text, "de") == expected


@pytest.mark.parametrize(
    ("visitor", "expected"), [("o mayor Jon Sheboygan", set()), ("a cidade de Sheboygan", {"us-place-sheboygan"})]
)
def test_a_longer_surname_after_a_given_name_is_a_persons(web_detector, visitor, expected):
    text = f"No aniversário da geminação de Esslingen com Chicago, a câmara recebeu {visitor} em Esslingen."
    assert _partners(web_detector, text, "pt") - {"us-place-chicago"} == expected


@pytest.mark.parametrize(
    ("guest", "language", "expected"),
    [
        ("Councillor Memphis", "en", set()),
        ("Mayor Anna Memphis", "en", set()),
        ("the Mayor of Memphis", "en", {"us-place-memphis"}),
        ("il sindaco Memphis", "it", set()),
        ("il sindaco di Memphis", "it", {"us-place-memphis"}),
        ("Bürgermeister Memphis", "de", set()),
    ],
)
def test_a_name_after_a_title_or_office_is_a_persons(web_detector, guest, language, expected):
    text = {
        "en": f"Toledo signed a twinning agreement with Chicago; {guest} attended.",
        "it": f"Toledo ha firmato un gemellaggio con Chicago; era presente {guest}.",
        "de": f"Toledo hat eine Städtepartnerschaft mit Chicago unterzeichnet; anwesend war {guest}.",
    }[language]
    assert _partners(web_detector, text, language) - {"us-place-chicago"} == expected


def _name_mention(text: str, name: str, *places):
    from types import SimpleNamespace

    start = text.index(name)
    return SimpleNamespace(
        hit=SimpleNamespace(orig_start=start, orig_end=start + len(name)), role="partner", places=places
    )


def test_a_small_us_place_named_like_a_given_name_is_the_persons_given_name():
    from analysis.collect.web.lookalike import _person
    from analysis.collect.web.places import Place

    def place(name, strong):
        return Place(name, "US", "partner", None, "place", 3000.0, strong, None)

    text = "Mayor of Rome Gianni Alemanno and the first citizen of the US capital Vincent Gray signed an agreement."
    gray = _name_mention(text, "Gray", place("Gray", False))
    vincent = _name_mention(text, "Vincent", place("Vincent", False))
    assert "a given name before the partner name" in _person(text, gray, [vincent, gray], [], "en")
    text = "Delegates of Shanghai Pudong signed an agreement."
    pudong = _name_mention(text, "Pudong", place("Pudong", False))
    shanghai = _name_mention(text, "Shanghai", place("Shanghai", True))
    assert _person(text, pudong, [shanghai, pudong], [], "en") is None


def test_a_capitalised_word_ending_the_line_before_is_no_given_name():
    from analysis.collect.web.lookalike import _person
    from analysis.collect.web.places import Place

    text = "Mora Minnesota\nMora Minnesota i USA blev vår vänort 1972."
    mora = _name_mention(text, "Mora Minnesota i", Place("Mora", "US", "partner", None, "place", 3500.0, False, None))
    mora.hit.orig_end = mora.hit.orig_start + len("Mora")
    assert _person(text, mora, [mora], [], "sv") is None
    assert "given name" in _person(text.replace("\n", " "), mora, [mora], [], "sv")


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("la petite ville anglaise de Wallingford aurait décidé de rompre", "ville anglaise", True),
        ("twinned with the English town of Lancaster since 1960", "English town", True),
        ("die englische Stadt Boston ist", "englische Stadt", True),
        ("the English town council met the mayor of Boston", "English town", False),
    ],
)
def test_a_town_with_another_countrys_adjective_is_no_partner(text, phrase, expected):
    from analysis.collect.web.lookalike import other_country_town
    from analysis.collect.web.matcher import TermHit

    start = text.index(phrase)
    term = TermHit("other_country_town", "*", phrase, 0, 0, start, start + len(phrase))
    name = {"Wallingford", "Lancaster", "Boston"} & set(text.split())
    mention = _name_mention(text, name.pop())
    assert (other_country_town(text, mention, [term]) is not None) == expected


def test_a_capitalised_word_after_a_region_word_is_no_given_name(web_detector):
    text = "Brno a semnat un acord de înfrățire cu o delegație a Regiunii Autonome Hubei."
    assert {f.partner_name for f in web_detector.detect(text, language="ro")} == {"Hubei"}


@pytest.mark.parametrize(
    ("guest", "expected"),
    [("der Städtebeauftragte Arnhem", set()), ("der Bürgermeister von Arnhem", {"gn-arnhem"})],
)
def test_an_office_named_by_a_compound_before_a_name_makes_it_a_persons(web_detector, guest, expected):
    text = f"Die Städtepartnerschaft mit Chicago feierte {guest} mit einer Delegation."
    assert {f.unit_id for f in web_detector.detect(text, language="de")} == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Nell'ultima settimana, secondo le regole di ogni buon gemellaggio, gli alunni del liceo di Toledo "
            "sono stati ospiti della Wilcox High School di Chicago.",
            "it",
            set(),
        ),
        ("Il gemellaggio tra la città di Toledo e Chicago compie dieci anni.", "it", {"us-place-chicago"}),
        (
            "En 2014, une école primaire portant le nom de Toledo s'est jumelée avec l'école primaire de Chicago.",
            "fr",
            set(),
        ),
    ],
)
def test_a_twinning_of_schools_without_a_town_word_is_no_town_tie(web_detector, text, language, expected):
    assert _partners(web_detector, text, language) == expected


@pytest.mark.parametrize("label", ["Palästina", "Autoritatea Națională Palestiniană", "Autorità Nazionale Palestinese"])
def test_palestine_and_its_authority_are_country_names_in_the_eu_languages(label):
    from analysis.collect.web.lexicon import name_key
    from analysis.collect.web.places import country_names_iso2

    assert country_names_iso2()[name_key(label)] == "PS"


def test_an_english_word_that_names_a_us_city_is_on_the_partner_stoplist():
    from analysis.collect.web.lexicon import load_lexicon

    assert {"green", "bell"} <= load_lexicon().stoplist["partner"]


def test_a_school_exchange_of_a_twinning_between_two_named_towns_stays_the_towns(web_detector):
    text = "Il gemellaggio tra Toledo e Chicago porta ogni anno scambi tra le scuole."
    assert _partners(web_detector, text, "it") == {"us-place-chicago"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Esslingen hosted the Sister Cities Forum, which brought together delegates of Chicago.", set()),
        ("Esslingen has been a sister city of Chicago since 1990.", {"us-place-chicago"}),
    ],
)
def test_twin_words_that_name_a_forum_are_no_tie(web_detector, text, expected):
    assert _partners(web_detector, text, "en") == expected


def test_a_state_nickname_is_the_states_exonym():
    from analysis.collect.web.places import EXONYMS_FILE
    from analysis.core.reference import read_reference_table

    table = read_reference_table(EXONYMS_FILE, ["exonym", "language", "partner_name", "country_iso2", "level", "note"])
    row = table[table["exonym"] == "Keystone State"].iloc[0]
    assert (row.partner_name, row.country_iso2, row.level) == ("Pennsylvania", "US", "state")
