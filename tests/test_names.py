"""Names of member states, observers and organizations, as the sheets of any
of the 35 member states may print them, in English or Spanish.

The expected values here are written out from outside knowledge (the OAS's
own lists), not read from oaslib/data: a name missing or mapped wrongly in
the data fails a case.
"""
from __future__ import annotations

import pytest

from oaslib.clean.activities import infer_country
from oaslib.clean.countries import find_mentions, member_states, resolve
from oaslib.clean.normalize import _key, parse_donors
from oaslib.errors import UsageError
from oaslib.refdata import rows, split_list

# ------------------------------------------------------------ member states

#: the 35 member states of the OAS, English short name and Spanish name
MEMBER_STATES = {
    "ATG": ("Antigua and Barbuda", "Antigua y Barbuda"), "ARG": ("Argentina", "Argentina"),
    "BHS": ("Bahamas", "Bahamas"), "BRB": ("Barbados", "Barbados"), "BLZ": ("Belize", "Belice"),
    "BOL": ("Bolivia", "Bolivia"), "BRA": ("Brazil", "Brasil"), "CAN": ("Canada", "Canadá"),
    "CHL": ("Chile", "Chile"), "COL": ("Colombia", "Colombia"), "CRI": ("Costa Rica", "Costa Rica"),
    "CUB": ("Cuba", "Cuba"), "DMA": ("Dominica", "Dominica"), "DOM": ("Dominican Republic", "República Dominicana"),
    "ECU": ("Ecuador", "Ecuador"), "SLV": ("El Salvador", "El Salvador"), "GRD": ("Grenada", "Granada"),
    "GTM": ("Guatemala", "Guatemala"), "GUY": ("Guyana", "Guyana"), "HTI": ("Haiti", "Haití"),
    "HND": ("Honduras", "Honduras"), "JAM": ("Jamaica", "Jamaica"), "MEX": ("Mexico", "México"),
    "NIC": ("Nicaragua", "Nicaragua"), "PAN": ("Panama", "Panamá"), "PRY": ("Paraguay", "Paraguay"),
    "PER": ("Peru", "Perú"), "KNA": ("Saint Kitts and Nevis", "San Cristóbal y Nieves"),
    "LCA": ("Saint Lucia", "Santa Lucía"), "VCT": ("Saint Vincent and the Grenadines", "San Vicente y las Granadinas"),
    "SUR": ("Suriname", "Surinam"), "TTO": ("Trinidad and Tobago", "Trinidad y Tobago"),
    "USA": ("United States", "Estados Unidos"), "URY": ("Uruguay", "Uruguay"), "VEN": ("Venezuela", "Venezuela"),
}


@pytest.mark.parametrize("iso3", [pytest.param(i, id=i) for i in MEMBER_STATES])
def test_member_state_has_its_iso3_english_and_spanish_names(iso3):
    r = next(r for r in rows("member_states") if r["iso3"] == iso3)
    assert (r["country"], r["name_es"]) == MEMBER_STATES[iso3]


def test_member_states_are_the_35():
    assert set(member_states()) == set(MEMBER_STATES)


def _unaccented(s: str) -> str:
    return s.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))


NAMES = [pytest.param(name, iso3, id=f"{iso3}-{name}") for iso3, pair in MEMBER_STATES.items()
         for name in dict.fromkeys([*pair, _unaccented(pair[1])])]

VARIANTS = [pytest.param(name, iso3, id=name) for name, iso3 in [
    # official long forms, English
    ("Argentine Republic", "ARG"), ("Commonwealth of The Bahamas", "BHS"), ("The Bahamas", "BHS"),
    ("Plurinational State of Bolivia", "BOL"), ("Bolivia (Plurinational State of)", "BOL"),
    ("Republic of Bolivia", "BOL"), ("Federative Republic of Brazil", "BRA"), ("Republic of Chile", "CHL"),
    ("Republic of Colombia", "COL"), ("Republic of Costa Rica", "CRI"), ("Republic of Cuba", "CUB"),
    ("Commonwealth of Dominica", "DMA"), ("Dominican Rep.", "DOM"), ("Republic of Ecuador", "ECU"),
    ("Republic of El Salvador", "SLV"), ("Republic of Guatemala", "GTM"), ("Co-operative Republic of Guyana", "GUY"),
    ("Cooperative Republic of Guyana", "GUY"), ("Republic of Haiti", "HTI"), ("Republic of Honduras", "HND"),
    ("United Mexican States", "MEX"), ("Republic of Nicaragua", "NIC"), ("Republic of Panama", "PAN"),
    ("Republic of Paraguay", "PRY"), ("Republic of Peru", "PER"), ("Federation of Saint Kitts and Nevis", "KNA"),
    ("Saint Christopher and Nevis", "KNA"), ("Republic of Suriname", "SUR"),
    ("Republic of Trinidad and Tobago", "TTO"), ("United States of America", "USA"),
    ("Oriental Republic of Uruguay", "URY"), ("Bolivarian Republic of Venezuela", "VEN"),
    ("Venezuela (Bolivarian Republic of)", "VEN"),
    # official long forms, Spanish (and Brazil's Portuguese)
    ("República Argentina", "ARG"), ("Mancomunidad de las Bahamas", "BHS"), ("Las Bahamas", "BHS"),
    ("Estado Plurinacional de Bolivia", "BOL"), ("Bolivia (Estado Plurinacional de)", "BOL"),
    ("República Federativa del Brasil", "BRA"), ("República Federativa do Brasil", "BRA"),
    ("República de Chile", "CHL"), ("República de Colombia", "COL"), ("República de Costa Rica", "CRI"),
    ("República de Cuba", "CUB"), ("Mancomunidad de Dominica", "DMA"), ("Rep. Dominicana", "DOM"),
    ("República del Ecuador", "ECU"), ("República de El Salvador", "SLV"), ("República de Guatemala", "GTM"),
    ("República Cooperativa de Guyana", "GUY"), ("República de Haití", "HTI"), ("Republica de Haiti", "HTI"),
    ("República de Honduras", "HND"), ("Estados Unidos Mexicanos", "MEX"), ("República de Nicaragua", "NIC"),
    ("República de Panamá", "PAN"), ("República del Paraguay", "PRY"), ("República del Perú", "PER"),
    ("Federación de San Cristóbal y Nieves", "KNA"), ("Saint Kitts y Nevis", "KNA"), ("San Kitts y Nevis", "KNA"),
    ("San Vicente y Granadinas", "VCT"), ("República de Suriname", "SUR"), ("República de Surinam", "SUR"),
    ("Suriname", "SUR"), ("República de Trinidad y Tobago", "TTO"), ("Estados Unidos de América", "USA"),
    ("Estados Unidos de Norteamérica", "USA"), ("República Oriental del Uruguay", "URY"),
    ("República Bolivariana de Venezuela", "VEN"),
    # Saint / St. / St, & / and, with and without "the"
    ("St. Kitts and Nevis", "KNA"), ("St Kitts and Nevis", "KNA"), ("St. Kitts & Nevis", "KNA"),
    ("Saint Kitts", "KNA"), ("St Kitts", "KNA"), ("St. Lucia", "LCA"), ("St Lucia", "LCA"),
    ("St. Vincent and the Grenadines", "VCT"), ("St. Vincent & the Grenadines", "VCT"),
    ("Saint Vincent and Grenadines", "VCT"), ("St Vincent", "VCT"), ("Antigua & Barbuda", "ATG"),
    ("Trinidad & Tobago", "TTO"),
    # abbreviations, matched as written
    ("USA", "USA"), ("U.S.A.", "USA"), ("U.S.", "USA"), ("US", "USA"), ("EE.UU.", "USA"), ("EEUU", "USA"),
    ("EE. UU.", "USA"), ("E.U.A.", "USA"), ("T&T", "TTO"), ("SVG", "VCT"),
]]


@pytest.mark.parametrize("name, iso3", NAMES + VARIANTS)
def test_name_resolves_to_its_member_state(name, iso3):
    assert resolve(name).iso3 == iso3


@pytest.mark.parametrize("name, iso3", NAMES + VARIANTS)
def test_name_in_a_sentence_is_one_mention_of_its_member_state(name, iso3):
    text = f"Officers from {name} took part."
    assert [(m.iso3, m.text) for m in find_mentions(text)] == [(iso3, name)]


DEMONYMS = [pytest.param(word, iso3, id=word) for word, iso3 in [
    ("Antiguan", "ATG"), ("antiguanos", "ATG"), ("Argentine", "ARG"), ("argentinos", "ARG"), ("Bahamian", "BHS"),
    ("bahameña", "BHS"), ("Barbadian", "BRB"), ("Bajan", "BRB"), ("barbadenses", "BRB"), ("Belizean", "BLZ"),
    ("beliceña", "BLZ"), ("Bolivian", "BOL"), ("bolivianas", "BOL"), ("Brazilian", "BRA"), ("brasileños", "BRA"),
    ("Canadian", "CAN"), ("canadiense", "CAN"), ("Chilean", "CHL"), ("chilena", "CHL"), ("Colombian", "COL"),
    ("colombianos", "COL"), ("Costa Rican", "CRI"), ("costarricenses", "CRI"), ("Cuban", "CUB"), ("cubana", "CUB"),
    ("dominiqués", "DMA"), ("dominiquesa", "DMA"), ("dominicano", "DOM"), ("dominicana", "DOM"),
    ("Ecuadorian", "ECU"), ("ecuatoriana", "ECU"), ("Salvadoran", "SLV"), ("salvadoreños", "SLV"),
    ("Grenadian", "GRD"), ("Guatemalan", "GTM"), ("guatemalteco", "GTM"), ("guatemalteca", "GTM"),
    ("Guyanese", "GUY"), ("guyanés", "GUY"), ("guyanesa", "GUY"), ("Haitian", "HTI"), ("haitiana", "HTI"),
    ("Honduran", "HND"), ("hondureña", "HND"), ("Jamaican", "JAM"), ("jamaiquina", "JAM"), ("Mexican", "MEX"),
    ("mexicanos", "MEX"), ("Nicaraguan", "NIC"), ("nicaragüense", "NIC"), ("nicaraguenses", "NIC"),
    ("Panamanian", "PAN"), ("panameña", "PAN"), ("Paraguayan", "PRY"), ("paraguaya", "PRY"), ("Peruvian", "PER"),
    ("peruanas", "PER"), ("Kittitian", "KNA"), ("Nevisian", "KNA"), ("Saint Lucian", "LCA"), ("St. Lucians", "LCA"),
    ("santalucense", "LCA"), ("Vincentian", "VCT"), ("sanvicentina", "VCT"), ("Surinamese", "SUR"),
    ("Surinamer", "SUR"), ("surinamés", "SUR"), ("surinamesa", "SUR"), ("Trinidadian", "TTO"), ("Tobagonian", "TTO"), ("Trinbagonians", "TTO"),
    ("trinitense", "TTO"), ("estadounidense", "USA"), ("estadounidenses", "USA"), ("Uruguayan", "URY"),
    ("uruguaya", "URY"), ("Venezuelan", "VEN"), ("venezolanos", "VEN"),
]]


@pytest.mark.parametrize("word, iso3", DEMONYMS)
def test_demonym_is_a_demonym_mention_of_its_member_state(word, iso3):
    text = f"The {word} authorities took part."
    assert [(m.iso3, m.kind) for m in find_mentions(text)] == [(iso3, "demonym")]


# --------------------------------------------------- ambiguous: never crossed

@pytest.mark.parametrize("text, iso3s", [
    pytest.param("Dominica", ["DMA"], id="dominica"),
    pytest.param("the Dominican Republic", ["DOM"], id="dominican-republic-is-not-dominica"),
    pytest.param("República Dominicana", ["DOM"], id="republica-dominicana-is-not-dominica"),
    pytest.param("Dominica and the Dominican Republic", ["DMA", "DOM"], id="both-in-one-sentence"),
    pytest.param("Dominican officials", [], id="english-dominican-is-both-peoples-so-neither"),
    pytest.param("Estados Unidos Mexicanos", ["MEX"], id="estados-unidos-mexicanos-is-not-the-united-states"),
    pytest.param("Organization of American States", [], id="american-is-not-the-united-states"),
    pytest.param("Inter-American Development Bank", [], id="inter-american"),
    pytest.param("Latin American police forces", [], id="latin-american"),
    pytest.param("la cooperación norteamericana", [], id="norteamericano-is-also-canada-and-mexico"),
    pytest.param("a grant of US$ 50,000", [], id="us-dollar-amount"),
    pytest.param("US$50,000 from the US", ["USA"], id="us-dollar-then-us"),
    pytest.param("send it to us", [], id="lower-case-us"),
    pytest.param("logo.svg", [], id="lower-case-svg-file"),
    pytest.param("a grant from AT&T", [], id="at-and-t-is-not-trinidad-and-tobago"),
    pytest.param("La Antigua Guatemala", ["GTM"], id="antigua-guatemala-is-not-antigua-and-barbuda"),
    pytest.param("Trinidad, Beni", [], id="trinidad-alone-is-also-a-bolivian-town"),
    pytest.param("el departamento de San Vicente", [], id="san-vicente-alone-is-a-salvadoran-department"),
    pytest.param("Salvador, Bahia", [], id="salvador-alone-is-a-brazilian-city"),
    pytest.param("Guayana Francesa", [], id="guayana-is-french-guiana-not-guyana"),
    pytest.param("French Guiana", [], id="french-guiana"),
    pytest.param("Washington, District of Columbia", [], id="columbia-is-not-colombia"),
    pytest.param("Guinea", [], id="guinea-is-no-member-state"),
    pytest.param("Georgia", [], id="georgia-is-no-member-state"),
    pytest.param("Granada", ["GRD"], id="granada-is-grenada-in-spanish"),
    pytest.param("Grenada", ["GRD"], id="grenada"),
    pytest.param("Saint Kitts and Nevis", ["KNA"], id="one-mention-not-saint-kitts-then-nevis"),
])
def test_ambiguous_names_do_not_cross(text, iso3s):
    assert [m.iso3 for m in find_mentions(text)] == iso3s


@pytest.mark.parametrize("text, iso3s", [
    pytest.param("the Haiti-Dominican Republic border", ["HTI", "DOM"], id="hyphen-between-two-names"),
    pytest.param("the Costa Rica–Panama border", ["CRI", "PAN"], id="en-dash-between-two-names"),
    pytest.param("Afro-Colombian communities", ["COL"], id="hyphen-before-a-demonym"),
    pytest.param("US-Mexico border", ["USA", "MEX"], id="hyphen-after-an-abbreviation"),
])
def test_a_hyphen_is_a_word_boundary(text, iso3s):
    assert [m.iso3 for m in find_mentions(text)] == iso3s


@pytest.mark.parametrize("texts, iso3", [
    pytest.param(["Training of the Nicaraguan National Police in Nicaragua.",
                  "Forty officers were trained in Granada and Managua."], "NIC",
                 id="nicaraguan-city-of-granada-is-outweighed"),
    pytest.param(["Programa de prevención de la violencia en Uruguay.",
                  "Se capacitó a 30 policías uruguayos en Santa Lucía, Canelones."], "URY",
                 id="uruguayan-town-of-santa-lucia-is-outweighed"),
    pytest.param(["Capacitación de la Policía Nacional Civil de El Salvador.",
                  "Se formó a 25 agentes salvadoreños en San Vicente."], "SLV",
                 id="salvadoran-department-of-san-vicente"),
    pytest.param(["Port security assessment in Jamaica.",
                  "The Jamaican port authorities received US$ 120,000 in equipment."], "JAM",
                 id="us-dollar-amounts-are-not-united-states-evidence"),
])
def test_document_country_with_an_ambiguous_place_name(texts, iso3):
    assert infer_country(texts)[0] == iso3


@pytest.mark.parametrize("text", [
    pytest.param("Republic of Georgia", id="georgia"),
    pytest.param("Guinea", id="guinea"),
    pytest.param("American", id="american"),
    pytest.param("Dominican", id="dominican"),
])
def test_ambiguous_word_is_not_a_member_state(text):
    with pytest.raises(UsageError):
        resolve(text)


# ----------------------------------------------------------------- the data

@pytest.mark.parametrize("variant, iso3", [pytest.param(r["variant"], r["iso3"], id=r["variant"])
                                           for r in rows("country_variants")])
def test_every_listed_variant_resolves_to_its_own_member_state(variant, iso3):
    """No variant is shadowed by a longer one of another member state."""
    assert resolve(variant).iso3 == iso3


def test_every_variant_kind_is_known_and_every_member_state_has_a_demonym():
    kinds = {r["kind"] for r in rows("country_variants")}
    assert kinds <= {"name", "demonym", "abbreviation"}
    with_demonym = {r["iso3"] for r in rows("country_variants") if r["kind"] == "demonym"}
    assert with_demonym == set(MEMBER_STATES)


def test_every_donor_alias_names_one_donor():
    owner: dict[str, str] = {}
    for r in rows("donors"):
        for alias in [r["donor"], *split_list(r["aliases"])]:
            assert owner.setdefault(_key(alias), r["donor"]) == r["donor"], alias


def test_donor_kinds_are_the_tables():
    from oaslib.clean.schema import TABLES
    allowed = set(TABLES["donors"].columns[2].allowed)
    assert {r["donor_kind"] for r in rows("donors")} <= allowed


# ------------------------------------------------------------------- donors

#: the OAS's permanent observers (its list of 70, the European Union among
#: them, and the United Arab Emirates admitted later), English and Spanish
OBSERVERS = {
    "Albania": "Albania", "Algeria": "Argelia", "Angola": "Angola", "Armenia": "Armenia", "Austria": "Austria",
    "Azerbaijan": "Azerbaiyán", "Belgium": "Bélgica", "Benin": "Benín",
    "Bosnia and Herzegovina": "Bosnia y Herzegovina", "Bulgaria": "Bulgaria", "China": "China", "Croatia": "Croacia",
    "Cyprus": "Chipre", "Czech Republic": "República Checa", "Denmark": "Dinamarca", "Egypt": "Egipto",
    "Equatorial Guinea": "Guinea Ecuatorial", "Estonia": "Estonia", "European Union": "Unión Europea",
    "Finland": "Finlandia", "France": "Francia", "Georgia": "Georgia", "Germany": "Alemania", "Ghana": "Ghana",
    "Greece": "Grecia", "Holy See": "Santa Sede", "Hungary": "Hungría", "Iceland": "Islandia", "India": "India",
    "Ireland": "Irlanda", "Israel": "Israel", "Italy": "Italia", "Japan": "Japón", "Kazakhstan": "Kazajistán",
    "Republic of Korea": "República de Corea", "Latvia": "Letonia", "Lebanon": "Líbano",
    "Liechtenstein": "Liechtenstein", "Lithuania": "Lituania", "Luxembourg": "Luxemburgo", "Malta": "Malta",
    "Monaco": "Mónaco", "Montenegro": "Montenegro", "Morocco": "Marruecos", "Netherlands": "Países Bajos",
    "Nigeria": "Nigeria", "North Macedonia": "Macedonia del Norte", "Norway": "Noruega", "Pakistan": "Pakistán",
    "Philippines": "Filipinas", "Poland": "Polonia", "Portugal": "Portugal", "Qatar": "Catar",
    "Moldova": "Moldavia", "Romania": "Rumania", "Russian Federation": "Federación de Rusia",
    "Saudi Arabia": "Arabia Saudita", "Serbia": "Serbia", "Slovakia": "Eslovaquia", "Slovenia": "Eslovenia",
    "Spain": "España", "Sri Lanka": "Sri Lanka", "Sweden": "Suecia", "Switzerland": "Suiza",
    "Thailand": "Tailandia", "Tunisia": "Túnez", "Turkey": "Turquía", "Ukraine": "Ucrania",
    "United Arab Emirates": "Emiratos Árabes Unidos", "United Kingdom": "Reino Unido", "Vanuatu": "Vanuatu",
    "Yemen": "Yemen",
}


def _one(text):
    donors, unknown = parse_donors(text)
    assert unknown == [] and len(donors) == 1, (text, donors)
    return donors[0].name, donors[0].kind


@pytest.mark.parametrize("text, name", [pytest.param(t, n, id=t) for n, es in OBSERVERS.items()
                                        for t in dict.fromkeys([n, es])])
def test_permanent_observer_by_english_or_spanish_name(text, name):
    assert _one(text) == (name, "permanent observer")


DONORS = [pytest.param(text, name, kind, id=text) for text, name, kind in [
    # observers by other names, agencies and governments
    ("Türkiye", "Turkey", "permanent observer"), ("Korea", "Republic of Korea", "permanent observer"),
    ("Corea", "Republic of Korea", "permanent observer"), ("South Korea", "Republic of Korea", "permanent observer"),
    ("Czechia", "Czech Republic", "permanent observer"), ("Holland", "Netherlands", "permanent observer"),
    ("The Netherlands", "Netherlands", "permanent observer"), ("Great Britain", "United Kingdom", "permanent observer"),
    ("UK", "United Kingdom", "permanent observer"), ("Vatican", "Holy See", "permanent observer"),
    ("Russia", "Russian Federation", "permanent observer"), ("Qatar", "Qatar", "permanent observer"),
    ("State of Qatar", "Qatar", "permanent observer"), ("Republic of the Philippines", "Philippines", "permanent observer"),
    ("Kingdom of Sweden", "Sweden", "permanent observer"), ("Hellenic Republic", "Greece", "permanent observer"),
    ("Swiss Confederation", "Switzerland", "permanent observer"), ("AECID", "Spain", "permanent observer"),
    ("Cooperación Española", "Spain", "permanent observer"), ("Fondo Español para la OEA", "Spain", "permanent observer"), ("Gobierno de España", "Spain", "permanent observer"),
    ("Embajada de Japón", "Japan", "permanent observer"), ("JICA", "Japan", "permanent observer"),
    ("KOICA", "Republic of Korea", "permanent observer"), ("GIZ", "Germany", "permanent observer"),
    ("GTZ", "Germany", "permanent observer"), ("Sida", "Sweden", "permanent observer"),
    ("ASDI", "Sweden", "permanent observer"), ("COSUDE", "Switzerland", "permanent observer"),
    ("Norad", "Norway", "permanent observer"), ("FCDO", "United Kingdom", "permanent observer"),
    ("British High Commission", "United Kingdom", "permanent observer"),
    ("Ministry of Foreign Affairs of Denmark", "Denmark", "permanent observer"),
    ("Gobierno de la República de Corea", "Republic of Korea", "permanent observer"),
    ("Permanent Mission of Italy to the OAS", "Italy", "permanent observer"),
    ("Misión Permanente de Francia ante la OEA", "France", "permanent observer"),
    ("Embassy of Japan in Panama", "Japan", "permanent observer"),
    ("Embajada de Alemania en Guatemala", "Germany", "permanent observer"),
    ("United States Embassy in Panama", "United States", "member state"),
    ("European Commission", "European Union", "permanent observer"),
    ("Comisión Europea", "European Union", "permanent observer"), ("EU", "European Union", "permanent observer"),
    ("UE", "European Union", "permanent observer"),
    # member states by their agencies and programs
    ("USAID", "United States", "member state"), ("INL", "United States", "member state"),
    ("U.S. Department of State", "United States", "member state"),
    ("Departamento de Estado de los Estados Unidos", "United States", "member state"),
    ("Embajada de los Estados Unidos", "United States", "member state"),
    ("Embassy of the United States", "United States", "member state"), ("EE.UU.", "United States", "member state"),
    ("PM/WRA", "United States", "member state"), ("U.S. Government", "United States", "member state"),
    ("State Department", "United States", "member state"),
    ("Gobierno de los Estados Unidos de América", "United States", "member state"),
    ("Canadian Government", "Canada", "member state"),
    ("Government of Canada's Anti-Crime Capacity Building Program", "Canada", "member state"),
    ("Global Affairs Canada", "Canada", "member state"),
    ("GAC", "Canada", "member state"), ("DFATD", "Canada", "member state"), ("DFAIT", "Canada", "member state"),
    ("CIDA", "Canada", "member state"), ("ACDI", "Canada", "member state"),
    ("Canadian International Development Agency", "Canada", "member state"),
    ("Anti-Crime Capacity Building Program", "Canada", "member state"),
    ("Anti-Crime Capacity Building Program (ACCBP)", "Canada", "member state"),
    ("ACCBP", "Canada", "member state"), ("Gobierno de Canadá", "Canada", "member state"),
    ("AMEXCID", "Mexico", "member state"), ("Gobierno de El Salvador", "El Salvador", "member state"),
    ("República Dominicana", "Dominican Republic", "member state"), ("Dominica", "Dominica", "member state"),
    ("Granada", "Grenada", "member state"), ("St. Kitts & Nevis", "Saint Kitts and Nevis", "member state"),
    ("Estados Unidos Mexicanos", "Mexico", "member state"),
    # international organizations
    ("IDB", "Inter-American Development Bank (IDB)", "international organization"),
    ("BID", "Inter-American Development Bank (IDB)", "international organization"),
    ("Inter-American Development Bank", "Inter-American Development Bank (IDB)", "international organization"),
    ("Banco Interamericano de Desarrollo", "Inter-American Development Bank (IDB)", "international organization"),
    ("CAF", "Development Bank of Latin America (CAF)", "international organization"),
    ("Corporación Andina de Fomento", "Development Bank of Latin America (CAF)", "international organization"),
    ("World Bank", "World Bank", "international organization"),
    ("Banco Mundial", "World Bank", "international organization"),
    ("BIRF", "World Bank", "international organization"),
    ("UNODC", "United Nations Office on Drugs and Crime (UNODC)", "international organization"),
    ("United Nations Office on Drugs and Crime", "United Nations Office on Drugs and Crime (UNODC)",
     "international organization"),
    ("Oficina de las Naciones Unidas contra la Droga y el Delito",
     "United Nations Office on Drugs and Crime (UNODC)", "international organization"),
    ("UNDP", "United Nations Development Programme (UNDP)", "international organization"),
    ("PNUD", "United Nations Development Programme (UNDP)", "international organization"),
    ("United Nations Development Program", "United Nations Development Programme (UNDP)",
     "international organization"),
    ("UNLIREC", "United Nations Office for Disarmament Affairs (UNODA)", "international organization"),
    ("UNSCAR", "UN Trust Facility Supporting Cooperation on Arms Regulation (UNSCAR)", "international organization"),
    ("CARICOM IMPACS", "Caribbean Community (CARICOM)", "international organization"),
    ("OECS", "Organisation of Eastern Caribbean States (OECS)", "international organization"),
    ("Regional Security System", "Regional Security System (RSS)", "international organization"),
    ("SICA", "Central American Integration System (SICA)", "international organization"),
    ("Comunidad Andina (CAN)", "Andean Community", "international organization"),
    ("MERCOSUR", "Southern Common Market (MERCOSUR)", "international organization"),
    ("OEA", "Organization of American States (OAS)", "international organization"),
    ("Fondo Regular de la OEA", "Organization of American States (OAS)", "international organization"),
    # other funders
    ("Republic of China (Taiwan)", "Taiwan", "other"), ("República de China (Taiwán)", "Taiwan", "other"),
    ("Republic of China", "Taiwan", "other"), ("Australia", "Australia", "other"),
    ("Microsoft", "Microsoft", "other"), ("Trend Micro", "Trend Micro", "other"),
]]


@pytest.mark.parametrize("text, name, kind", DONORS)
def test_donor_resolves_to_its_name_and_kind(text, name, kind):
    assert _one(text) == (name, kind)


@pytest.mark.parametrize("text, names", [
    pytest.param("People's Republic of China", ["China"], id="peoples-republic-is-china"),
    pytest.param("Republic of China (Taiwan), People's Republic of China", ["Taiwan", "China"],
                 id="taiwan-and-china-stay-two"),
    pytest.param("Dominica, República Dominicana", ["Dominica", "Dominican Republic"], id="dominica-and-dr-stay-two"),
    pytest.param("Equatorial Guinea", ["Equatorial Guinea"], id="equatorial-guinea"),
    pytest.param("Nigeria", ["Nigeria"], id="nigeria"),
    pytest.param("Saint Kitts and Nevis, Canada", ["Saint Kitts and Nevis", "Canada"], id="and-inside-a-name-kept-whole"),
    pytest.param("UNDP/PNUD", ["United Nations Development Programme (UNDP)"], id="english-and-spanish-acronym-once"),
    pytest.param("United States (INL), Canada (ACCBP)", ["United States", "Canada"], id="each-donor-with-its-agency"),
    pytest.param("Estados Unidos (INL) y Canadá (DFATD)", ["United States", "Canada"], id="each-donor-with-its-agency-es"),
    pytest.param("Canada, Italy (AECID)", ["Canada", "Italy"], id="bracket-after-a-list-is-not-the-whole-list"),
])
def test_donor_lists_keep_ambiguous_pairs_apart(text, names):
    donors, unknown = parse_donors(text)
    assert [d.name for d in donors] == names and unknown == []


@pytest.mark.parametrize("text", [
    pytest.param("Democratic People's Republic of Korea", id="dprk-is-not-the-republic-of-korea"),
    pytest.param("Guinea", id="guinea-is-not-equatorial-guinea"),
    pytest.param("Niger", id="niger-is-not-nigeria"),
    pytest.param("CAN", id="can-is-not-the-andean-community-or-canada"),
    pytest.param("Universidad de Granada", id="university-of-granada-is-not-grenada"),
    pytest.param("Papua New Guinea", id="papua-new-guinea"),
    pytest.param("Fundación en Panamá", id="unknown-name-in-a-member-state"),
    pytest.param("Canada in Spain", id="in-a-place-that-is-no-member-state-is-kept-whole"),
])
def test_ambiguous_donor_is_left_unknown(text):
    donors, unknown = parse_donors(text)
    assert [(d.name, d.kind) for d in donors] == [(text, "other")] and unknown == [text]


# ------------------------------------- a whole document about any member state

#: a member state's demonym in each language; where a language has none that
#: is safe (English "Dominican" is both Dominica's and the Dominican
#: Republic's people, "American" everyone's) the document says the name twice
DEMONYM = {
    "en": {"ATG": "Antiguan", "ARG": "Argentine", "BHS": "Bahamian", "BRB": "Barbadian", "BLZ": "Belizean",
           "BOL": "Bolivian", "BRA": "Brazilian", "CAN": "Canadian", "CHL": "Chilean", "COL": "Colombian",
           "CRI": "Costa Rican", "CUB": "Cuban", "ECU": "Ecuadorian", "SLV": "Salvadoran", "GRD": "Grenadian",
           "GTM": "Guatemalan", "GUY": "Guyanese", "HTI": "Haitian", "HND": "Honduran", "JAM": "Jamaican",
           "MEX": "Mexican", "NIC": "Nicaraguan", "PAN": "Panamanian", "PRY": "Paraguayan", "PER": "Peruvian",
           "KNA": "Kittitian", "LCA": "Saint Lucian", "VCT": "Vincentian", "SUR": "Surinamese",
           "TTO": "Trinidadian", "URY": "Uruguayan", "VEN": "Venezuelan"},
    "es": {"ATG": "antiguanas", "ARG": "argentinas", "BHS": "bahameñas", "BRB": "barbadenses", "BLZ": "beliceñas",
           "BOL": "bolivianas", "BRA": "brasileñas", "CAN": "canadienses", "CHL": "chilenas", "COL": "colombianas",
           "CRI": "costarricenses", "CUB": "cubanas", "DMA": "dominiquesas", "DOM": "dominicanas",
           "ECU": "ecuatorianas", "SLV": "salvadoreñas", "GTM": "guatemaltecas", "GUY": "guyanesas",
           "HTI": "haitianas", "HND": "hondureñas", "JAM": "jamaiquinas", "MEX": "mexicanas", "NIC": "nicaragüenses",
           "PAN": "panameñas", "PRY": "paraguayas", "PER": "peruanas", "KNA": "sancristobaleñas",
           "LCA": "santalucenses", "VCT": "sanvicentinas", "SUR": "surinamesas", "TTO": "trinitenses",
           "USA": "estadounidenses", "URY": "uruguayas", "VEN": "venezolanas"},
}


@pytest.mark.parametrize("iso3, lang", [pytest.param(i, lang, id=f"{i}-{lang}")
                                        for i in MEMBER_STATES for lang in ("en", "es")])
def test_bundled_document_rewritten_for_any_member_state_is_assigned_to_it(iso3, lang):
    """The Panama sheets with Panama's names and demonym replaced by another
    member state's, in English or in Spanish (accents and all), are that
    member state's."""
    from oaslib.clean.activities import build_activities
    from oaslib.clean.sheets import split_sheets

    from .conftest import RAW
    name = MEMBER_STATES[iso3][0 if lang == "en" else 1]
    demonym = DEMONYM[lang].get(iso3, name)
    text = (RAW / "000_3348439e6b9c1ad1.txt").read_text(encoding="utf-8")
    text = text.replace("Panamanian", demonym).replace("Panamá", name).replace("Panama", name)
    acts = build_activities([("f.txt", split_sheets(text.split("\n")))])[0]
    assert set(acts["iso3"]) == {iso3}


# ------------------------------- French and Portuguese: the forms of Haiti and Brazil

@pytest.mark.parametrize("name, iso3", [pytest.param(n, i, id=n) for n, i in [
    ("Haïti", "HTI"), ("Brésil", "BRA"), ("États-Unis", "USA"), ("Mexique", "MEX"), ("Pérou", "PER"),
    ("Jamaïque", "JAM"), ("République dominicaine", "DOM"), ("Trinité-et-Tobago", "TTO"), ("Sainte-Lucie", "LCA"),
    ("Saint-Vincent-et-les-Grenadines", "VCT"), ("Équateur", "ECU"), ("Colômbia", "COL"), ("Uruguai", "URY"),
    ("São Vicente e Granadinas", "VCT"), ("Estados Unidos da América", "USA"), ("Trinidad e Tobago", "TTO"),
]])
def test_french_and_portuguese_names_resolve(name, iso3):
    assert resolve(name).iso3 == iso3
    assert [m.iso3 for m in find_mentions(f"Des policiers de {name} ont participé.")] == [iso3]


@pytest.mark.parametrize("text, iso3", [
    pytest.param("Les policiers haïtiens ont été formés.", "HTI", id="haitiens"),
    pytest.param("la police nationale haïtienne", "HTI", id="haitienne"),
    pytest.param("a Polícia Federal brasileira", "BRA", id="brasileira"),
    pytest.param("os agentes brasileiros", "BRA", id="brasileiros"),
])
def test_french_and_portuguese_demonyms(text, iso3):
    assert [(m.iso3, m.kind) for m in find_mentions(text)] == [(iso3, "demonym")]


@pytest.mark.parametrize("text, names", [
    pytest.param("États-Unis; Union européenne; Espagne", ["United States", "European Union", "Spain"], id="fr-list"),
    pytest.param("Gouvernement du Canada", ["Canada"], id="fr-government-of"),
    pytest.param("Royaume-Uni et Pays-Bas", ["United Kingdom", "Netherlands"], id="fr-et"),
    pytest.param("Governo do Japão; União Europeia", ["Japan", "European Union"], id="pt-list"),
    pytest.param("Estados Unidos da América e Canadá", ["United States", "Canada"], id="pt-e"),
    pytest.param("Trinité-et-Tobago, Allemagne", ["Trinidad and Tobago", "Germany"], id="et-inside-a-name-kept-whole"),
])
def test_french_and_portuguese_donors(text, names):
    donors, unknown = parse_donors(text)
    assert [d.name for d in donors] == names and unknown == []
