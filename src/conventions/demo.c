/* demo: the seed's four conventions in the demo collectivité's register, with their real terms
 * (documents-ccpo-2024.txt). Where the seed leaves a blank (the CDG 62 model's « du … au … »), the
 * demo's choice is said in the convention's own notes. */
#include "conventions/conventions_db.h"
#include "db/tenant.h"
#include "identity/demo.h"

#include <stdio.h>

static const char *const seed[] = {
	/* 1. CDG 62 e-administration: 5 years, renewable once by express renewal; termination by LRAR,
	 * « le 1er jour du mois suivant la notification ». */
	"{\"reference\":\"CDG62-EADM\",\"titre\":\"Convention pour l'accompagnement à la e-administration\","
	"\"objet\":\"Définir les conditions dans lesquelles le CDG 62 et la collectivité collaboreront pour la mise en œuvre de la "
	"prestation de e-administration : transfert à la préfecture, à la perception et envoi des convocations aux instances.\","
	"\"partenaire\":\"CDG 62 — Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais\","
	"\"signature_lieu\":\"Bruay-la-Buissière\",\"debut\":\"2024-07-01\",\"duree\":\"5 ans\",\"renouvellement\":\"expres\","
	"\"renouvellements_max\":1,\"resiliation_forme\":\"Lettre recommandée avec accusé de réception, en cas de non-respect des engagements\","
	"\"resiliation_effet\":\"mois_suivant\",\"bilan\":\"aucun\",\"conditions_financieres\":\"La prestation est comprise dans la "
	"cotisation additionnelle. Aucune indemnisation en cas de résiliation.\",\"service\":\"Direction générale des services\","
	"\"annexes\":\"Modèle du CDG 62 ; dates « du … au … » laissées en blanc par le modèle : prise d'effet du 01/07/2024 choisie pour la démonstration.\","
	"\"parties\":[{\"nom\":\"Communauté de Communes Pays d'Opale\",\"collectivite\":1,\"representant\":\"Ludovic LOQUET\","
	"\"fonction\":\"Président\",\"habilitation\":\"Délibération du conseil communautaire\"},"
	"{\"nom\":\"Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais (CDG 62)\",\"representant\":\"Joël DUQUENOY\","
	"\"fonction\":\"Président\",\"habilitation\":\"Délibération du conseil d'administration\"}]}",

	/* 2. CCI Littoral: signed 14/03/2022, 12 months renewable twice for the same duration, each year
	 * confirmed by an avenant with the annual programme and budget after a review. */
	"{\"reference\":\"CCI-2022\",\"titre\":\"Convention de partenariat pour le développement économique et le soutien aux entreprises\","
	"\"objet\":\"Développement économique et soutien aux entreprises sur le territoire de la Communauté de Communes Pays d'Opale.\","
	"\"partenaire\":\"CCI Littoral Hauts-de-France\",\"signature_date\":\"2022-03-14\",\"signature_lieu\":\"Guînes\","
	"\"debut\":\"2022-03-14\",\"duree\":\"12 mois\",\"renouvellement\":\"expres\",\"renouvellements_max\":2,\"renouvellements_faits\":2,"
	"\"resiliation_effet\":\"echeance\",\"bilan\":\"annuel\",\"service\":\"Direction générale adjointe\","
	"\"conditions_financieres\":\"Programme annuel assorti d'un budget fixé par avenant après bilan du partenariat.\","
	"\"deliberation\":\"Délibération du conseil communautaire du 9 décembre 2021\","
	"\"parties\":[{\"nom\":\"Communauté de Communes Pays d'Opale\",\"collectivite\":1,\"representant\":\"Ludovic LOQUET\","
	"\"fonction\":\"Président\",\"habilitation\":\"Délibération du conseil communautaire du 9 décembre 2021\"},"
	"{\"nom\":\"Chambre de Commerce et d'Industrie Littoral Hauts-de-France\",\"representant\":\"François LAVALLEE\",\"fonction\":\"Président\","
	"\"habilitation\":\"Délégation de signature du Président de la CCI Hauts-de-France du 10 décembre 2021\"}]}",

	/* 3. Avenant n°2 to the CCI convention: the 2024 programme, two action sheets (fungible). */
	"{\"reference\":\"Convention 2022-2024 Plan d'action 2024\",\"titre\":\"Avenant n°2 — plan d'action 2024 avec la CCI Littoral\","
	"\"avenant_numero\":2,\"objet\":\"Reconduction du partenariat en 2024 après le bilan de l'année 2023 (26 octobre 2023) : "
	"diagnostic du commerce des bourgs-centres et visibilité numérique du territoire.\",\"partenaire\":\"CCI Littoral Hauts-de-France\","
	"\"signature_lieu\":\"Guînes\",\"debut\":\"2024-03-14\",\"fin\":\"2025-03-13\",\"renouvellement\":\"aucun\",\"bilan\":\"annuel\","
	"\"montant\":\"15 000 €\",\"conditions_financieres\":\"Financement 100 % CCPO ; fongibilité entre les deux fiches-action.\","
	"\"service\":\"Direction générale adjointe\",\"annexes\":\"Fiches actions\","
	"\"parties\":[{\"nom\":\"Communauté de Communes Pays d'Opale\",\"collectivite\":1,\"representant\":\"Ludovic LOQUET\",\"fonction\":\"Président\","
	"\"habilitation\":\"Délibération du conseil communautaire du 9 décembre 2021\"},"
	"{\"nom\":\"Chambre de Commerce et d'Industrie Littoral Hauts-de-France\",\"representant\":\"Eric LELIEUR\",\"fonction\":\"Vice-Président\","
	"\"habilitation\":\"Délégation de signature du Préfet des Hauts-de-France du 24 mars 2023\"}],"
	"\"fiches\":[{\"reference\":\"Convention 2022-2024 Plan d'action 2024\",\"intitule\":\"Diagnostic du commerce dans les bourgs-centres\","
	"\"axe\":\"Soutenir les entreprises du territoire de la CCPO\",\"contexte\":\"Les commerces des 3 bourgs-centres (Guînes, Ardres et "
	"Licques) connaissent pour certains d'entre eux des difficultés. La CCPO souhaite disposer d'une analyse de la vitalité des commerces, "
	"complétée par la commune d'Hardinghen.\",\"descriptif\":\"30 jours d'intervention de conseillers auprès des commerces des centres-bourgs "
	"du territoire, en complément de leurs missions habituelles financées par ailleurs.\",\"objectifs\":\"Réalisation d'entretiens et de "
	"diagnostics généralistes, avec un focus sur la transition écologique. Remontées d'information à la CCPO.\",\"perimetre\":\"Commerces des "
	"3 centres-bourgs + Hardinghen\",\"intervenants\":\"Conseillers entreprises CCI. Conseillère référente : Sarah Devin\",\"calendrier\":\"2024\","
	"\"livrables\":\"Nombre d'entreprises contactées ; nombre d'entreprises rencontrées ; compte-rendu de diagnostic remis à l'entreprise ; "
	"sur demande, comptes-rendus de diagnostics réalisés sur l'outil DIGIPILOTE.\",\"budget\":\"12 000 €\",\"taxes\":\"TTC\",\"fongible\":1,"
	"\"financement\":\"Financement 100 % CCPO\"},"
	"{\"reference\":\"Convention 2022-2024 Plan d'action 2024\",\"intitule\":\"Améliorer la visibilité numérique du territoire\","
	"\"axe\":\"Stratégie commerciale et études\",\"contexte\":\"Le territoire souhaite améliorer son attractivité, en agissant sur sa visibilité "
	"numérique ainsi que celle des entreprises, tant auprès des habitants que des clientèles touristiques.\",\"descriptif\":\"5 jours "
	"d'ingénierie de la CCI auprès de la CCPO ou de l'office de tourisme communautaire.\",\"objectifs\":\"Aide à la définition des objectifs "
	"poursuivis par la CCPO ; aide à la rédaction d'une fiche-action opérationnelle ; aide au choix éventuel d'un prestataire ; valorisation "
	"du tiers-lieu (ouverture mars 2024).\",\"perimetre\":\"Territoire de la CCPO\",\"intervenants\":\"Conseiller numérique de la CCI\","
	"\"calendrier\":\"2024\",\"livrables\":\"Formalisation d'un diagnostic, des objectifs, de la fiche-action et d'un cahier des charges.\","
	"\"budget\":\"3 000 €\",\"taxes\":\"TTC\",\"fongible\":1,\"financement\":\"Financement 100 % CCPO ; des financements complémentaires "
	"pourront être recherchés par la CCPO\"}],"
	"\"budget\":[{\"libelle\":\"Diagnostic du commerce : 30 jours d'intervention (12 000 € TTC)\",\"financeur\":\"CCPO\",\"annee\":2024,"
	"\"formule\":\"400 € x 30\",\"taxes\":\"TTC\",\"fiche\":1},"
	"{\"libelle\":\"Visibilité numérique : 5 jours d'ingénierie (3 000 € TTC)\",\"financeur\":\"CCPO\",\"annee\":2024,\"formule\":\"600 € x 5\","
	"\"taxes\":\"TTC\",\"fiche\":2}]}",

	/* 4. CMA: permanences, 250 € x 4 x 9 from 1/4 to 31/12. */
	"{\"reference\":\"Convention cadre pluriannuelle — avenant n°2\",\"titre\":\"Permanences CMA dans les territoires\","
	"\"objet\":\"Accueil et accompagnement des porteurs de projet, conseil aux entreprises et accompagnement des entreprises en difficulté, "
	"lors de permanences sur rendez-vous à France Services ou dans les entreprises.\",\"partenaire\":\"Chambre de Métiers et de l'Artisanat "
	"Hauts-de-France (antenne de Calais)\",\"debut\":\"2024-04-01\",\"fin\":\"2024-12-31\",\"renouvellement\":\"aucun\",\"bilan\":\"aucun\","
	"\"montant\":\"9 000 €\",\"service\":\"Développement économique\","
	"\"parties\":[{\"nom\":\"Communauté de Communes Pays d'Opale\",\"collectivite\":1,\"representant\":\"Représentant EPCI\"},"
	"{\"nom\":\"Chambre de Métiers et de l'Artisanat Hauts-de-France\",\"representant\":\"Représentant CMA HDF\"}],"
	"\"fiches\":[{\"intitule\":\"Permanences CMA dans les territoires\",\"axe\":\"Développement territorial\",\"descriptif\":\"La CMA doit être "
	"au plus proche des acteurs économiques du territoire : permanences sur rendez-vous dans les locaux de France Services, ou dans les "
	"locaux de l'entreprise selon les situations.\",\"intervenants\":\"Un agent de l'antenne CMA-Calais\",\"calendrier\":\"du 1er avril au 31 décembre 2024\","
	"\"budget\":\"9 000 €\",\"taxes\":\"TTC\"}],"
	"\"budget\":[{\"libelle\":\"Agent CMA : 3 demi-journées de présence territoire par mois\",\"financeur\":\"CCPO\",\"annee\":2024,"
	"\"debut\":\"2024-04-01\",\"fin\":\"2024-12-31\",\"formule\":\"250€ x 4 x9\",\"taxes\":\"TTC\",\"fiche\":1}],"
	"\"permanences\":[{\"lieu\":\"France Services (CCPO) ou dans les entreprises artisanales\",\"rythme\":\"3 demi-journées par mois\",\"jour\":4,\"semaines\":\"1,2,3\",\"heure_debut\":\"09:00\",\"heure_fin\":\"12:00\"}]}",

	/* 5. Fabrique DEFI: premises and permanences, 01/01/2024–31/12/2024, 38 000 €, quarterly reviews. */
	"{\"reference\":\"DEFI-2024\",\"titre\":\"Convention de mise à disposition de moyens — permanences de la Fabrique DEFI\","
	"\"objet\":\"Mise à disposition de bureaux pour la réception des jeunes de 16 à 25 ans en entretien individuel ou collectif, et "
	"déploiement de l'offre de services de la Fabrique DEFI sur le territoire.\",\"partenaire\":\"Fabrique DEFI du Calaisis\","
	"\"signature_date\":\"2024-03-18\",\"signature_lieu\":\"Calais\",\"debut\":\"2024-01-01\",\"fin\":\"2024-12-31\",\"renouvellement\":\"aucun\","
	"\"bilan\":\"trimestriel\",\"montant\":\"38 000 €\",\"conditions_financieres\":\"Participation financière de la CCPO pour l'année 2024 : 38 000 €.\","
	"\"service\":\"Jeunesse et emploi\",\"annexes\":\"Tableaux du matériel mis à disposition et des horaires de permanence\","
	"\"parties\":[{\"nom\":\"Communauté de Communes Pays d'Opale\",\"collectivite\":1,\"representant\":\"Ludovic LOQUET\",\"fonction\":\"Président\"},"
	"{\"nom\":\"Fabrique DEFI du Calaisis\",\"representant\":\"Ezedine KARA\",\"fonction\":\"Président\"}],"
	"\"budget\":[{\"libelle\":\"Participation financière 2024\",\"financeur\":\"CCPO\",\"annee\":2024,\"formule\":\"38 000 €\",\"taxes\":\"TTC\"}],"
	"\"permanences\":[{\"lieu\":\"Bureaux communautaires, 9 avenue de la Libération, Guînes\",\"rythme\":\"selon le tableau horaire annexé\"},"
	"{\"lieu\":\"Bureaux communautaires, avenue Fernand Buscot, Ardres\",\"rythme\":\"selon le tableau horaire annexé\"},"
	"{\"lieu\":\"Mairie de Licques\",\"rythme\":\"selon le tableau horaire annexé\"},"
	"{\"lieu\":\"Mairie d'Hardinghen\",\"rythme\":\"selon le tableau horaire annexé\"}]}",
};

int cv_demo_load(db *d, int64_t tenant, int64_t user, struct err *e)
{
	int64_t ids[5] = { 0 };
	for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++) {
		json_error_t je;
		json_t *in = json_loads(seed[i], 0, &je);
		if (!in)
			return err_set(e, 500, "demo.json", "conventions: demo JSON %zu: %s", i, je.text);
		if (i == 2)
			json_object_set_new(in, "parent_id", json_integer(ids[1]));   /* the avenant of the CCI convention */
		int rc = cv_save(d, tenant, user, 0, in, &ids[i], e);
		json_decref(in);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int demo_conventions(db *d, struct demo_ctx *c, struct err *e)
{
	int loaded = demo_loaded(d, c, "SELECT COUNT(*) FROM conventions WHERE tenant_id = $1", e);
	if (loaded)
		return loaded < 0 ? -1 : 0;  /* already loaded */
	return cv_demo_load(d, c->ccpo, c->users[DEMO_AGENT], e);
}
OPALE_DEMO_STEP(conventions, "60-conventions", demo_conventions);
