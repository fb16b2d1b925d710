#!/usr/bin/env python3
"""Generate the embedded sample data/sample/mali_ong_exemple.csv.

An ILLUSTRATIVE 3W registry of 80 invented French NGOs and associations active in
Mali. The names, acronyms, partners and projects are invented; only the split by
presence mode follows the French embassy in Mali's page (about 80 active French
NGOs: 32 present directly, 28 acting through local partners, the others acting as
operators or occasionally).

Layout: row 1 French headers, row 2 HXL hashtags, then one row per
organisation x sector x area. Cell values are the French labels of the vocabularies
in data/vocab/ (read from there so labels live in one place).

Deterministic: random.Random(20161), standard library only. Usage:

    python scripts/make_sample.py
"""

import csv
import datetime
import os
import random
from collections.abc import Iterable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB = os.path.join(ROOT, "data", "vocab")
OUT = os.path.join(ROOT, "data", "sample", "mali_ong_exemple.csv")

SEED = 20161
TODAY = datetime.date(2026, 11, 29)  # reference date of the sample (metadata.toml)

COLUMNS = [
    ("Nom de l'organisation", "#org+name"),
    ("Sigle", "#org+acronym"),
    ("Type d'organisation", "#org+type"),
    ("Mode de présence", "#org+presence"),
    ("Partenaire local", "#org+impl"),
    ("Bailleur", "#org+funding"),
    ("Secteur", "#sector"),
    ("Région", "#adm1+name"),
    ("Code région", "#adm1+code"),
    ("Statut", "#status"),
    ("Début", "#date+start"),
    ("Fin", "#date+end"),
]

# --- Invented names (any likeness to a real organisation is unintended) ----------

# International NGOs (French associations are international NGOs in Mali): 66.
INGO_NAMES = [
    ("Les Puits de la Falémé", "PUFA"),
    ("Association Tamarinier Bleu", "ATABLEU"),
    ("Collectif Karité et Lumière", "COKAL"),
    ("Terres & Sources d'Afrique de l'Ouest", "TSAO"),
    ("Les Lanternes du Sahel Doux", "LASADO"),
    ("Cartables Vagabonds", "CARVA"),
    ("Association Grenier des Trois Fleuves", "AGTF"),
    ("Les Semeurs de Baobabs Pressés", "SEBAP"),
    ("Compagnie des Jardins Suspendus du Niger", "CJSN"),
    ("Les Ânes Bâtés de l'Espoir", "ANBATE"),
    ("Fraternité Calebasse Dorée", "FRACADO"),
    ("Les Amis de la Dune Bavarde", "ADUBA"),
    ("Ruches et Rizières", "RURI"),
    ("Association Plume de Pintade", "APLUPI"),
    ("Les Ingénieurs du Puisard Joyeux", "INPUJO"),
    ("Collectif Mangue Solidaire", "COMASO"),
    ("Les Tisserands du Vent d'Est", "TIVEST"),
    ("Santé Voyageuse des Bords du Bani", "SAVOBANI"),
    ("Association Encre et Sable", "AENSA"),
    ("Les Pirogues Lettrées", "PIROLET"),
    ("Clair de Dune Énergies", "CLADUNE"),
    ("Association Grains de Mil Curieux", "AGMIC"),
    ("Les Fontaines Chantantes", "FOCHA"),
    ("Sentiers de l'Épi", "SEPI"),
    ("Atelier des Moustiquaires Bleues", "AMOUB"),
    ("Les Cuisines du Delta Vert", "CUDEV"),
    ("Association Lampe-Tempête", "ALAMTEM"),
    ("Cœurs de Néré", "CONERE"),
    ("Les Bibliothèques Nomades du Fleuve", "BINOF"),
    ("Maison des Savoirs Buissonniers", "MASABU"),
    ("Collectif Pluie Fine", "COPLUF"),
    ("Les Bergers du Ciel Ocre", "BECIOC"),
    ("Association Goutte à Goutte Sahélienne", "AGGSA"),
    ("Les Ateliers de la Pirogue Rouge", "APIROU"),
    ("Chemins de Craie", "CHECRA"),
    ("Les Greniers Partagés de Haute-Vallée", "GREPAV"),
    ("Association Soleil Patient", "ASOPA"),
    ("Les Forgerons de Demain", "FODEM"),
    ("Mains Vertes du Sahel Ouest", "MAVESO"),
    ("Collectif Tam-Tam et Tableau Noir", "COTATA"),
    ("Les Hirondelles du Niger", "HIRONI"),
    ("Association Jardin des Quatre Saisons Sèches", "AJQSS"),
    ("Les Cliniques Itinérantes Arc-en-Ciel", "CLIAC"),
    ("Savons et Sourires", "SASOU"),
    ("Les Passeurs de Mots du Macina", "PAMOMA"),
    ("Association Fleuve Lent", "AFLEL"),
    ("Lumières du Gourma Tranquille", "LUGOTRA"),
    ("Les Coopérants du Karité Heureux", "COKAH"),
    ("Association Ciel de Terre Battue", "ACTEBA"),
    ("Éoliennes et Calebasses", "EOCAL"),
    ("Les Filets de Pêche Fraternels", "FIPEF"),
    ("Association Balafon Vert", "ABAVER"),
    ("Microcrédit des Petites Caravanes", "MIPECA"),
    ("Les Jardinières de Sable", "JASAB"),
    ("Collectif Ombre Fraîche", "COMFRA"),
    ("Association Droits au Vent", "ADROVE"),
    ("Les Sentinelles du Puits Profond", "SEPUP"),
    ("Cercle des Conteurs du Bani", "CECOBA"),
    ("Association Perles de Latérite", "APLAT"),
    ("Routes Douces du Niger", "RODONI"),
    ("Les Brodeuses de Lune", "BROLU"),
    ("Association Petit Pas Grand Chemin", "APPGC"),
    ("Les Veilleurs de l'Harmattan", "VEHA"),
    ("Collectif Sel et Sésame", "COSESA"),
    ("Les Moulins à Mil Rieurs", "MOMIR"),
    ("Association Toits de Banco Clair", "ATOBAC"),
]

# Decentralised cooperation: invented French towns twinned with Malian towns; 10.
# (name, acronym, home region code)
DECO_NAMES = [
    ("Jumelage Vallon-sur-Dore – Diéma", "JVDD", "ML01"),
    ("Jumelage Montfleuri-sur-Lisse – Kita", "JMLK", "ML01"),
    ("Comité de jumelage Castelbrume – Bougouni", "CJCB", "ML03"),
    ("Jumelage Saint-Ouen-des-Grillons – San", "JSOGS", "ML04"),
    ("Jumelage Rochemoussue – Djenné", "JRODJ", "ML05"),
    ("Jumelage Val-de-Crémière – Niafunké", "JVCN", "ML06"),
    ("Jumelage Pontbrumeux – Bourem", "JPBB", "ML07"),
    ("Jumelage Mirebeau-les-Ajoncs – Macina", "JMAM", "ML04"),
    ("Comité de jumelage Bourg-Tamaris – Nara", "CJBTN", "ML02"),
    ("Jumelage Lavaudière-en-Brume – Douentza", "JLBD", "ML05"),
]

# Diaspora organisations; 4.
DIAS_NAMES = [
    ("Collectif Diaspora Pont-des-Deux-Rives", "CODIPDR"),
    ("Association Retour aux Mangues", "AREMA"),
    ("Union Diaspora Caravane Bleue", "UDICAB"),
    ("Amicale Joliba-sur-Loire", "AJOLI"),
]

# Invented Malian partner associations (one per organisation in partner mode).
PARTNER_NAMES = [
    "Association Badenya du Fleuve Doré",
    "Groupement Benkan des Jardins de Sirakoro-Neuf",
    "ONG Jigi Kura du Méma",
    "Association Nyeta Lumière du Séno",
    "Coopérative Sabali des Femmes du Kaarta",
    "Association Tiriya, Santé et Paix",
    "ONG Dunkafa Sahel Vert",
    "Réseau Hakili des Enseignants du Delta",
    "Association Kènè Fana du Wassoulou",
    "Union Baara Ni Hèrè des Maraîchers",
    "Association Kanu Dougou",
    "ONG Amanar Nouvelle Aube",
    "Association Sigida Nafa",
    "Groupement Donko des Artisanes de Ségou-Koura",
    "Association Gafiya Bani",
    "ONG Alkamia du Haoussa",
    "Association Fasokanu",
    "Collectif Tilé Koura des Jeunes",
]

FUNDERS = [
    "AFD",
    "Union européenne",
    "Fonds propres",
    "Fondation privée",
    "Collectivité territoriale",
]
FUNDER_WEIGHTS = [30, 20, 30, 15, 5]

# --- Sectors and regions ------------------------------------------------------------

# Sector codes and weights (French NGOs in Mali: many in education, health, WASH,
# food security, agriculture, governance, economy; fewer elsewhere).
SECTOR_WEIGHTS = [
    ("EDU", 14),
    ("HEA", 14),
    ("WSH", 11),
    ("FSC", 8),
    ("AGR", 11),
    ("GOV", 8),
    ("ECO", 8),
    ("NUT", 3),
    ("PRO", 2),
    ("PRO-CPN", 2),
    ("SHL", 2),
    ("CUL", 3),
    ("ENE", 3),
    ("MIG", 2),
    ("HRI", 2),
    ("GEN", 3),
    ("ENV", 3),
]

# OCHA COD-AB 2021 regions; Kidal and Ménaka are added explicitly below.
REGIONS = {
    "ML01": "Kayes",
    "ML02": "Koulikoro",
    "ML03": "Sikasso",
    "ML04": "Ségou",
    "ML05": "Mopti",
    "ML06": "Tombouctou",
    "ML07": "Gao",
    "ML08": "Kidal",
    "ML09": "Bamako",
    "ML10": "Ménaka",
}
REGION_WEIGHTS = [
    ("ML09", 12),
    ("ML05", 10),
    ("ML06", 10),
    ("ML07", 10),
    ("ML01", 4),
    ("ML02", 4),
    ("ML03", 4),
    ("ML04", 4),
]
TAOUDENIT = ("Taoudénit", "")  # no P-code in OCHA's 2021 boundaries
NATIONWIDE = ("Tout le Mali", "")

STATUS_EN_COURS, STATUS_TERMINE, STATUS_PLANIFIE = "En cours", "Terminé", "Planifié"


def read_labels(filename: str) -> dict[str, str]:
    """Return {code: label_fr} from a vocabulary CSV of data/vocab."""
    with open(os.path.join(VOCAB, filename), encoding="utf-8", newline="") as f:
        return {row["code"]: row["label_fr"] for row in csv.DictReader(f)}


def weighted_sample(rng: random.Random, pairs: Iterable[tuple[str, float]], k: int) -> list[str]:
    """k distinct items drawn by weight, in draw order."""
    pool = list(pairs)
    chosen = []
    for _ in range(min(k, len(pool))):
        item = rng.choices(pool, weights=[w for _, w in pool])[0]
        pool.remove(item)
        chosen.append(item[0])
    return chosen


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A date between start and end inclusive."""
    return datetime.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def project_dates(rng: random.Random) -> tuple[str, str, str]:
    """(status, start, end) as ISO strings for one organisation x sector project."""
    r = rng.random()
    end: datetime.date | None
    if r < 0.10:
        status = STATUS_TERMINE
        start = random_date(rng, datetime.date(2019, 1, 1), datetime.date(2024, 6, 30))
        end = random_date(
            rng,
            start + datetime.timedelta(days=180),
            min(start + datetime.timedelta(days=3 * 365), TODAY - datetime.timedelta(days=1)),
        )
    elif r < 0.18:
        status = STATUS_PLANIFIE
        start = random_date(rng, TODAY + datetime.timedelta(days=2), datetime.date(2026, 12, 31))
        end = (
            (start + datetime.timedelta(days=rng.choice([365, 730, 1095])))
            if rng.random() < 0.7
            else None
        )
    else:
        status = STATUS_EN_COURS
        start = random_date(rng, datetime.date(2019, 1, 1), datetime.date(2026, 10, 31))
        if rng.random() < 0.35:
            end = None
        else:
            end = random_date(
                rng,
                max(start + datetime.timedelta(days=365), TODAY + datetime.timedelta(days=30)),
                datetime.date(2029, 12, 31),
            )
    return status, start.isoformat(), end.isoformat() if end else ""


def main() -> None:
    rng = random.Random(SEED)
    sector_label = read_labels("sectors.csv")
    type_label = read_labels("org_types.csv")
    presence_label = read_labels("presence.csv")

    # Organisations with type and presence mode (32 direct, 28 partners, 11 operators,
    # 9 occasional). Decentralised cooperation and diaspora work through partners or
    # occasionally; international NGOs take the rest.
    ingo = list(INGO_NAMES)
    rng.shuffle(ingo)
    ingo_modes = ["DIRECT"] * 32 + ["PARTNER"] * 20 + ["OPERATOR"] * 11 + ["OCCASIONAL"] * 3
    deco_modes = ["PARTNER"] * 6 + ["OCCASIONAL"] * 4
    dias_modes = ["PARTNER"] * 2 + ["OCCASIONAL"] * 2
    rng.shuffle(deco_modes)
    rng.shuffle(dias_modes)
    assert len(ingo) == len(ingo_modes) == 66

    orgs: list[dict[str, Any]] = []
    for (name, acronym), mode in zip(ingo, ingo_modes, strict=False):
        orgs.append({"name": name, "acronym": acronym, "type": "INGO", "mode": mode, "home": None})
    for (name, acronym, home), mode in zip(DECO_NAMES, deco_modes, strict=False):
        orgs.append({"name": name, "acronym": acronym, "type": "DECO", "mode": mode, "home": home})
    for (name, acronym), mode in zip(DIAS_NAMES, dias_modes, strict=False):
        orgs.append({"name": name, "acronym": acronym, "type": "DIAS", "mode": mode, "home": None})
    assert len(orgs) == 80
    assert len({o["name"] for o in orgs}) == 80

    partners = list(PARTNER_NAMES)
    rng.shuffle(partners)
    partner_index = 0
    for org in orgs:
        if org["mode"] == "PARTNER":
            org["partner"] = partners[partner_index % len(partners)]
            partner_index += 1
        else:
            org["partner"] = ""
        org["funder"] = (
            "Collectivité territoriale"
            if org["type"] == "DECO"
            else rng.choices(FUNDERS, weights=FUNDER_WEIGHTS)[0]
        )
        org["sectors"] = weighted_sample(
            rng, SECTOR_WEIGHTS, rng.choices([1, 2, 3, 4], weights=[30, 35, 25, 10])[0]
        )
        if org["home"]:
            regions = [org["home"]] + (["ML09"] if rng.random() < 0.3 else [])
        else:
            k = rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0]
            regions = weighted_sample(rng, REGION_WEIGHTS, k)
        org["regions"] = regions
        org["extra"] = []  # (region name, code) rows with one sector only

    # Special areas, on distinct international NGOs present in the field.
    field = [o for o in orgs if o["type"] == "INGO" and o["mode"] in ("DIRECT", "OPERATOR")]
    picks = rng.sample(field, 3 + 3 + 1 + 2)
    kidal, menaka, taoudenit, nationwide = picks[0:3], picks[3:6], picks[6:7], picks[7:9]
    for org in kidal[: rng.choice([2, 3])]:
        org["regions"] = [*org["regions"][:3], "ML08"]
    for org in menaka:
        org["regions"] = [*org["regions"][:3], "ML10"]
    for org in taoudenit:
        org["regions"] = org["regions"][:3]
        org["extra"].append(TAOUDENIT)
    for org in nationwide:
        org["regions"] = org["regions"][:3]
        org["extra"].append(NATIONWIDE)

    rows = []
    for org in orgs:
        base = [
            org["name"],
            org["acronym"],
            type_label[org["type"]],
            presence_label[org["mode"]],
            org["partner"],
            org["funder"],
        ]
        projects = {code: project_dates(rng) for code in org["sectors"]}
        for code in org["sectors"]:
            for region in org["regions"]:
                rows.append([*base, sector_label[code], REGIONS[region], region, *projects[code]])
        for region_name, region_code in org["extra"]:
            code = org["sectors"][0]
            rows.append([*base, sector_label[code], region_name, region_code, *projects[code]])

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([header for header, _ in COLUMNS])
        writer.writerow([tag for _, tag in COLUMNS])
        writer.writerows(rows)

    print(f"{OUT}: {len(rows)} rows, {len(orgs)} organisations")
    for mode in ("DIRECT", "PARTNER", "OPERATOR", "OCCASIONAL"):
        label = presence_label[mode]
        n_orgs = sum(1 for o in orgs if o["mode"] == mode)
        n_rows = sum(1 for r in rows if r[3] == label)
        print(f"  {label}: {n_orgs} organisations, {n_rows} rows")


if __name__ == "__main__":
    main()
