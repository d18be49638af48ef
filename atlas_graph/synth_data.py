"""Synthetic Atlas data: the page template, the theme taxonomy and the word lists ``synth`` draws from.

Input: nothing. Output: constants (all invented, plausible in shape) used by ``atlas_graph.synth``.
"""

from __future__ import annotations

MEAE = "Ministère de l'Europe et des Affaires étrangères"
VOLUNTEERS = "Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité"

#: The page, as the seed record lays it out; optional parts carry their own line ends.
PAGE = """\
Accueil > ???menu.atlas.libelle??? > ???menu.atlas.detailProjet.libelle???

Atlas français de la coopération décentralisée et des autres actions extérieures

{embassy}Titre
{title}
Année de première signature de la convention
{signed}
Thématique d'intervention
{theme1}
Sous-thématique d'intervention
{theme2}
Sous-sous-thématique d'intervention
{theme3}

Autres thématiques mises en œuvre pour le partenariat

Autres thématiques mises en œuvre pour le partenariat
Thématique éligible Sous-thématique Sous-sous-thématique Priorité
{other_themes}<< < pagination.page.precedent 1 pagination.page.suivant > >>
Année de début du partenariat
{start}
Le partenariat est
{status}
Date de fin du partenariat
{end}Contexte
{context}Historique
{history}Objectif du partenariat
{objective}Description détaillée du partenariat
{description}Votre partenariat prend la forme d'un(e)
{form}
Mise en œuvre du partenariat
Maître(s) d'œuvre
{implementer}Maître(s) d'ouvrage
{owners}
Bénéficiaire(s)
{beneficiaries}
Partenaires étrangers du partenariat

Partenaires étrangers du partenariat
Nom de la collectivité étrangère Pays {nbsp}
{foreign}
Contacts dans les partenaires étrangers du partenariat

Contacts dans les partenaires étrangers du partenariat
Nom de la collectivité étrangère Nom Prénom Fonction Courriel
{contacts}
Collectivités territoriales partenaires du partenariat

Collectivités territoriales partenaires du partenariat
Nom de la collectivité territoriale {nbsp}
{french}


Le partenariat {triennial} triennal

Financement du partenariat

Financement du partenariat
Nom du financeur Montant en euros Montant 1% Eau (Loi Oudin 2005) Montant 1% Eau (Loi Oudin 2005) \
Montant 1% Eau (Loi Oudin 2005) Année
{funding}



Évaluations, communication et perspectives

{statements}{volunteers_header}

{volunteers_header}
Nom Prénom Mission Champs d'action Entité d'affectation
{volunteers}

PIED DE PAGE

Tous droits réservés - Ministère de l'Europe et des Affaires étrangères 2013"""

#: The theme taxonomy: level 1, then "level 2: level 3 | level 3" (8 / 30 / 60 labels).
_TAXONOMY = """
Politique, humanitaire et coopération transfrontalière
  Gouvernance locale et appui institutionnel: Gouvernance et démocratie locales | Appui aux services municipaux
  Coopération transfrontalière: Projets transfrontaliers | Coopération interrégionale
  Aide humanitaire et urgence: Aide d'urgence | Reconstruction après crise
  Droits humains et citoyenneté: Égalité femmes-hommes | État civil et citoyenneté
Environnement, climat et énergie
  Eau et assainissement: Accès à l'eau potable | Assainissement collectif et individuel
  Gestion des déchets: Collecte et tri des déchets | Valorisation des déchets
  Énergie: Énergies renouvelables | Efficacité énergétique
  Biodiversité et climat: Protection des milieux naturels | Adaptation au changement climatique
Développement économique
  Agriculture et sécurité alimentaire: Filières agricoles et maraîchage | Élevage et pêche
  Tourisme: Tourisme solidaire | Valorisation touristique du patrimoine
  Artisanat et commerce: Appui aux artisans | Marchés et commerce local
  Emploi et insertion: Formation professionnelle | Microfinance et entrepreneuriat
Éducation, culture et jeunesse
  Culture et patrimoine: Échanges culturels et artistiques | Sauvegarde du patrimoine
  Éducation: Construction et équipement d'écoles | Alphabétisation
  Jeunesse et sport: Échanges de jeunes | Pratique sportive
  Francophonie: Langue française | Lecture publique et bibliothèques
Santé et action sociale
  Santé: Accès aux soins | Prévention et santé publique
  Action sociale: Personnes âgées et handicap | Protection de l'enfance
  Nutrition: Lutte contre la malnutrition | Cantines scolaires
Aménagement et développement urbain
  Urbanisme et habitat: Planification urbaine | Habitat social
  Transports et mobilité: Transports publics | Voirie et pistes rurales
  Services urbains: Éclairage public | Gestion foncière et cadastre
  Numérique: Accès au numérique | Administration électronique
Enseignement supérieur et recherche
  Coopération universitaire: Mobilité des étudiants | Partenariats entre universités
  Recherche: Programmes de recherche conjoints | Transfert de technologies
  Formation des cadres territoriaux: Formation des élus | Formation des agents
Sensibilisation et éducation à la citoyenneté mondiale
  Éducation au développement: Interventions en milieu scolaire | Semaine de la solidarité internationale
  Engagement citoyen: Volontariat international | Soutien aux associations de migrants
  Commerce équitable: Consommation responsable | Achats publics équitables
  Mémoire et relations internationales: Amitié entre les peuples | Devoir de mémoire
"""


def _taxonomy(text: str) -> dict[str, dict[str, list[str]]]:
    themes: dict[str, dict[str, list[str]]] = {}
    for line in text.strip().split("\n"):
        if not line.startswith(" "):
            level1 = themes.setdefault(line, {})
        else:
            level2, leaves = line.strip().split(": ")
            level1[level2] = leaves.split(" | ")
    return themes


THEMES = _taxonomy(_TAXONOMY)
THEME_PATHS = [(a, b, c) for a, subs in THEMES.items() for b, leaves in subs.items() for c in leaves]

FORMS = [("Projet de coopération décentralisée", 75), ("Jumelage", 15), ("Action ponctuelle", 10)]
STATEMENTS = (
    "Une communication a été engagée en France|Une communication a été engagée dans les pays partenaires|"
    "Une politique d'évaluation a été engagée"
).split("|")
EMBASSY_ROLES = (
    "Correspondant coopération décentralisée|Conseiller de coopération et d'action culturelle|Attaché de coopération"
).split("|")
FUNCTIONS = (
    "Maire|Maire adjoint|Adjoint au maire chargé de la coopération|Directrice des services techniques|"
    "Directeur général des services|Président du conseil régional|Secrétaire général|"
    "Chargée de mission coopération|Chargé de mission relations internationales|Conseiller municipal|"
    "Chef de service état civil|Responsable de la coopération décentralisée|Coordinatrice du programme|"
    "Attaché d'administration"
).split("|")
GIVEN = (
    "Jeanne,Paul,Marie Claire,Jean Baptiste,Aminata,Yann,Fatou,Issa,Lucie,Ousmane,Anne Sophie,Thi Lan,"
    "Joseph,Hélène,Camille,Oumar,Mariam,Pierre,Nadia,Karim,Awa,Luc,Sékou,Chantal,Élodie,Marc"
).split(",")
MISSIONS = (
    "Appui à la maîtrise d'ouvrage communale|Suivi des chantiers d'adduction d'eau|"
    "Animation d'ateliers dans les écoles|Accompagnement des groupements de producteurs|"
    "Coordination des échanges entre les villes partenaires"
).split("|")
FR_SYL = "ver mo lan sau bri cour mont val ro ché li beau fon tai neu vil ar don bel mé ri lé pon sa".split()
FR_END = "ac ay ville court mont ieu ans y oux ine euil ières ange".split()
FO_SYL = "ka ba ko ndi sa tou ma lé go bou ri da ya mbo ki fa zé lo na ti ou gu ha pho lâm tân rô su".split()
FO_KINDS = (
    "Commune de|Commune urbaine de|Commune rurale de|Ville de|District de|Province de|Municipalité de|"
    "Région de|Comité populaire de|Département de"
).split("|")
#: Territories that are French, or without people, are never foreign partners.
_NOT_FOREIGN = "FR GF GP MQ RE YT PM BL MF NC PF WF TF AQ BV HM UM CX CC NF SJ PN IO GS".split()
_SHORT = {"KR": "Corée du Sud", "KP": "Corée du Nord"}
#: Frequent partner countries of the real Atlas first (ranks of the Zipf weights).
_HEAD = "ML BF SN MA DE MG BJ TN NE CM IT PL RO VN HT ES GB TG MR DZ LB CN JP US CA BR CI CD PS AM".split()
