/* parapheur: desks, circuits, types, folders and their actions, persisted per collectivité on top of
 * the circuit engine (workflow.h). Every function takes the tenant id: all SQL is tenant-scoped. */
#ifndef OPALE_PARAPHEUR_H
#define OPALE_PARAPHEUR_H
#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "parapheur/workflow.h"

/* Desks. owners: user ids (n). */
int pa_desk_create(db *d, int64_t tenant, const char *name, int64_t parent, const int64_t *owners, int n, int64_t *id,
		   struct err *e);
int pa_delegation_add(db *d, int64_t tenant, int64_t desk, int64_t to_desk, int64_t from, int64_t to, int64_t type,
		      struct err *e);
/* Circuit from JSON: [{"type":"visa|signature|cachet|externe","mode":"ou|et","bureaux":[id | "emetteur" |
 * "superieur" | "variable"]}]. */
int pa_circuit_create(db *d, int64_t tenant, const char *name, json_t *steps, int64_t *id, struct err *e);
int pa_type_create(db *d, int64_t tenant, const char *name, const char *format, const char *protocol, const char *city,
		   const char *postal_code, int64_t *id, struct err *e);
/* rules: JSON array of {"regle":"montant >= 40000","circuit":ID}. */
int pa_subtype_create(db *d, int64_t tenant, int64_t type, const char *name, int64_t circuit, json_t *rules, int64_t *id,
		      struct err *e);

/* Updates (administration). A desk's owners are replaced; its parent may not create a loop. A
 * circuit's new steps apply to folders started afterwards. */
int pa_desk_update(db *d, int64_t tenant, int64_t desk, const char *name, int64_t parent, const int64_t *owners, int n,
		   struct err *e);
int pa_delegation_delete(db *d, int64_t tenant, int64_t desk, int64_t delegation, struct err *e);
int pa_circuit_update(db *d, int64_t tenant, int64_t id, const char *name, json_t *steps, struct err *e);
/* The visible stamp of a type's PAdES signatures: at the text tag (#signature#…; "" = the default
 * tags), else at page (negative: from the end; 0: no fixed place) and x, y (PDF points from the
 * bottom left). 400 type.tampon_* in French. */
int pa_type_stamp(db *d, int64_t tenant, int64_t id, const char *tag, long page, long x, long y, struct err *e);
int pa_type_update(db *d, int64_t tenant, int64_t id, const char *name, const char *format, const char *protocol, const char *city,
		   const char *postal_code, struct err *e);
int pa_subtype_update(db *d, int64_t tenant, int64_t id, const char *name, int64_t circuit, json_t *rules, struct err *e);

/* Folders. */
struct req;
/* Whether the folder, the desk, belongs to the collectivité. */
int pa_folder_exists(db *d, int64_t tenant, int64_t folder);
int pa_desk_exists(db *d, int64_t tenant, int64_t desk);
/* For the folder pages' forms: the folder of the path's :id (*id) and the connection, or NULL with
 * the answer set (404 « dossier.inconnu »; no answer when the connection fails). routes_pages.c */
db *pa_req_folder(struct req *r, int64_t *id);
/* Checks the request's uploaded files "principal" (PDF — sound, unencrypted — or XML; office documents
 * refused with 415) and "annexe", then creates the folder with them in one transaction (routes_api.c;
 * used by the API and the creation page). */
int pa_folder_from_uploads(struct req *r, db *d, const char *title, int64_t subtype, int64_t desk, json_t *meta, int64_t due, int64_t *id,
			   int *nmain, struct err *e);
int pa_folder_create(db *d, int64_t tenant, int64_t user, const char *title, int64_t subtype, int64_t emitter_desk,
		     json_t *metadata, int64_t due_at, int64_t *id, struct err *e);
/* Adds a stored document (role "principal" or "annexe"). */
int pa_folder_add_doc(db *d, int64_t tenant, int64_t folder, const char *role, const char *name, const char *sha256,
		      const char *mime, int64_t size, struct err *e);
/* Starts: circuit chosen by the sub-type's rules from the metadata; variable desks in order. */
int pa_folder_start(db *d, int64_t tenant, int64_t user, int64_t folder, const int64_t *variable, int nvariable,
		    struct err *e);
/* One action: see wf_act; annotation is public (mandatory, ≥ 3 characters, for a rejection).
 * Conflicts between concurrent actors are caught by the version check → 409 wf.conflit. */
int pa_folder_act(db *d, int64_t tenant, int64_t user, int64_t folder, int64_t desk, enum wf_action a, int64_t target,
		  const char *annotation, const char *pin, struct err *e);
/* The external signature of the current EXTERNAL step addressed to desk, made by the platform (no
 * user): annotation carries the evidence summary (external.c). */
int pa_folder_act_external(db *d, int64_t tenant, int64_t folder, int64_t desk, const char *annotation, struct err *e);
/* Appends a history event that changes nothing in the circuit (external link sent, code verified…). */
int pa_folder_event(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, const char *action, const char *annotation,
		    struct err *e);
/* Full description (documents, circuit with tasks, history). NULL + e when unknown (404). */
json_t *pa_folder_json(db *d, int64_t tenant, int64_t folder, struct err *e);
/* Trays of a desk: "a-traiter", "en-retard", "en-cours", "delegues", "recuperables", "traites", "rejetes",
 * "archives". */
json_t *pa_tray(db *d, int64_t tenant, int64_t desk, const char *tray, int64_t now, struct err *e);
/* Search in a tray (trays.c): title contains text, folder type, metadata key (containing value),
 * created in [from, to), due before due_before; 0/NULL/"" = no condition. Rows gain type, sous_type,
 * cree_le and metadonnees. */
struct pa_tray_filter {
	const char *text;
	int64_t type;
	const char *meta_key, *meta_value;
	int64_t from, to, due_before;
};
json_t *pa_tray_search(db *d, int64_t tenant, int64_t desk, const char *tray, int64_t now, const struct pa_tray_filter *f,
		       struct err *e);
/* Desks owned by a user in a tenant (JSON array of {id,name}). */
json_t *pa_my_desks(db *d, int64_t tenant, int64_t user, struct err *e);

/* Export (export.c). The record: pa_folder_json plus names (collectivité, type, circuit, emitter,
 * steps with desk and user names, « en l'absence de ») and "signatures": every signature read back
 * from the signed documents (role "signe") and detached signatures (role "signature", checked
 * against the main documents), with the signer's certificate subject, issuer and serial. */
json_t *pa_folder_record(db *d, int64_t tenant, int64_t folder, struct err *e);
/* Bordereau de signature (PDF, cairo): circuit, who acted for which desk and when, annotations,
 * document SHA-256 of every event, signers' certificates. */
int pa_bordereau_pdf(db *d, int64_t tenant, int64_t folder, const char *path, struct err *e);
/* The history as PREMIS 3 XML (intellectual entity, file objects with fixity, events, agents). */
int pa_premis_xml(json_t *record, buf *out);
/* ZIP: documents/, annexes/, signes/, signatures/, bordereau-de-signature.pdf, historique-premis.xml. */
int pa_export_zip(db *d, int64_t tenant, int64_t folder, const char *path, struct err *e);

/* Notifications (notify.c): after an action, enqueues in the caller's transaction one
 * "parapheur.notification" job per desk that now waits on the folder (new task or opinion asked) and
 * one for a rejection; the job e-mails the owners (and the delegate desk's owners) / the emitter. */
int pa_notify_changes(db *d, int64_t tenant, int64_t folder, const struct wf_folder *before, const struct wf_folder *after,
		      struct err *e);
/* Schedules the daily digest of late folders at the next 07:00 Paris (idempotent for the day). */
int pa_digest_schedule(db *d, int64_t now, struct err *e);

/* External signatories (external.c). Sends the partner an e-mail link to the folder whose current
 * step is an external signature (one request per folder at a time). */
int pa_external_send(db *d, int64_t tenant, int64_t user, int64_t folder, const char *name, const char *email, int64_t *id,
		     struct err *e);
/* The seal applied on the partner's behalf, its stamp naming them, evidence (JSON) recorded: the
 * collectivité seal of the signature engine (sign_seal_on_behalf), the signed versions stored with
 * the folder. A non-NULL hook replaces the engine (tests). */
extern int (*pa_external_seal_hook)(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence,
				    struct err *e);
int pa_external_seal(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e);
/* The latest request of a folder for its page ({nom, email, etat}), NULL when none. */
json_t *pa_external_status(db *d, int64_t tenant, int64_t folder);
/* The partner's « Signer » once the code is verified: seal, then the step is done. */
int pa_external_sign(db *d, int64_t request, const char *ip, const char *user_agent, struct err *e);

/* The signature of a folder's main documents for a SIGNATURE/SEAL step is delegated to the signature
 * engine through this hook (set by src/sign when present). NULL → signature steps refuse with 501. */
extern int (*pa_sign_hook)(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, int64_t acted_desk,
			   const char *pin, struct err *e);

/* Modules that put their documents through a circuit (helios, actes) are told when a folder's circuit
 * ends — status "termine" or "rejete" — inside the transaction of the action that ended it, so their
 * own state moves with the folder's or not at all. Declared next to the listener:
 *   OPALE_PA_END(helios, helios_folder_ended);
 * A listener that returns -1 (e filled) makes the action fail. Listeners ignore folders not theirs. */
struct pa_end_listener {
	int (*fn)(db *d, int64_t tenant, int64_t folder, const char *status, int64_t user, struct err *e);
};
#define OPALE_PA_END(id, fn_)                                                                      \
	static const struct pa_end_listener opale_pa_end_##id                                      \
		__attribute__((used, section("opale_pa_end"), aligned(sizeof(void *)))) = { fn_ }

/* The folder page shows what a folder belongs to in another module and what comes next (« Acte
 * 2024_51 », « Transmettre à la préfecture »). A provider appends to links objects
 * {texte, lien} (a link) or {texte, lien, bouton} (a one-button POST form to lien, with the CSRF
 * token); roles are the viewer's. Providers ignore folders not theirs. Declared next to the function:
 *   OPALE_PA_LINK(actes, actes_folder_links); */
struct pa_link_provider {
	void (*fn)(db *d, int64_t tenant, int64_t folder, unsigned roles, json_t *links);
};
#define OPALE_PA_LINK(id, fn_)                                                                     \
	static const struct pa_link_provider opale_pa_link_##id                                    \
		__attribute__((used, section("opale_pa_link"), aligned(sizeof(void *)))) = { fn_ }
/* Every provider's links for a folder (a JSON array, caller frees). */
json_t *pa_folder_links(db *d, int64_t tenant, int64_t folder, unsigned roles);

/* Follow-up (followup.c). A private annotation on the event the user's action has just written
 * (400 wf.annotation_privee beyond 2 000 characters; nothing when note is empty or NULL). */
int pa_private_note(db *d, int64_t tenant, int64_t user, int64_t folder, const char *note, struct err *e);
/* 1 when user owns the emitter's desk, a desk that acted, or a desk the folder waits for. */
int pa_circuit_member(db *d, int64_t tenant, int64_t user, int64_t folder);
/* For a folder shown to user (f as pa_folder_json): records the read receipt when user holds a desk
 * the folder waits for, adds "lectures" [{le, par, bureau}] and, for the circuit's people only, each
 * event's "annotation_privee". */
void pa_followup_view(db *d, int64_t tenant, int64_t user, int64_t folder, json_t *f);
/* Chains another circuit on a folder whose circuit has ended (the emitter desk's owners): the folder
 * takes the sub-type and starts again with its documents; 409 wf.enchainement otherwise. */
int pa_folder_chain(db *d, int64_t tenant, int64_t user, int64_t folder, int64_t subtype, struct err *e);
/* Archives an ended or rejected folder (emitter desk's owners or ROLE_ADMIN in roles): out of the
 * « traités »/« rejetés » trays, into « archivés ». 409 dossier.archivage, 403 dossier.gestion. */
int pa_folder_archive(db *d, int64_t tenant, int64_t user, int64_t folder, unsigned roles, struct err *e);
/* Deletes a draft or rejected folder that no other module refers to (OPALE_PA_LINK): its rows go,
 * its documents' bytes stay in the store. 409 dossier.suppression / dossier.lie, 403 dossier.gestion. */
int pa_folder_delete(db *d, int64_t tenant, int64_t user, int64_t folder, unsigned roles, struct err *e);

/* For modules that send their own documents through a circuit (helios, actes): the collectivité's
 * sub-types of that protocol ({id, nom, type}), and the checks before sending — *subtype must be one
 * of them (taken when it is 0 and there is exactly one), *desk the emitter's desk (the user's first
 * desk when 0). Errors are named "<module>.sous_type" / "<module>.bureau" (409/400) in French. */
json_t *pa_subtypes_of(db *d, int64_t tenant, const char *protocol, struct err *e);
int pa_pick_route(db *d, int64_t tenant, int64_t user, const char *protocol, const char *module, int64_t *subtype,
		  int64_t *desk, struct err *e);

#endif
