/* folder_sign: the signature engine inside the parapheur — signs a folder's main documents for a
 * SIGNATURE step (the user's stored key, unlocked by the PIN typed with the action) or a SEAL step
 * (the collectivité's seal), per the folder type's format and stamp place; and signs with the seal
 * on behalf of someone else (external signatory). Installs pa_sign_hook and
 * pa_external_seal_hook at start-up. */
#ifndef OPALE_SIGN_FOLDER_SIGN_H
#define OPALE_SIGN_FOLDER_SIGN_H
#include <stdint.h>

#include "db/db.h"
#include "sign/sign.h"

/* The hook body (pa_sign_hook): the current task of desk decides SIGNATURE or SEAL. Each main
 * document is signed in its latest version: PAdES (PDF, visible stamp at the type's tag or page) and
 * PES produce a new version (folder_docs role "signe", same name); CAdES and XAdES a detached
 * signature of the original (role "signature", name + ".p7s" / ".xml"). All in the caller's
 * transaction; nothing is stored when one document fails. */
int sign_folder(db *d, int64_t tenant, int64_t folder, int64_t user, int64_t desk, int64_t acted_desk, const char *pin,
		struct err *e);

/* The external signatory's step (pa_external_seal_hook): every main document signed with the
 * collectivité's seal on behalf of signer — as sign_folder, the stamp « Signé électroniquement par
 * <signer> », role line « Signataire externe, code à usage unique vérifié », /Name signer. */
int sign_folder_external(db *d, int64_t tenant, int64_t folder, const char *signer, const char *evidence, struct err *e);

/* Signs doc with the collectivité's seal on behalf of name (external signatory): PAdES with a
 * visible stamp « Signé électroniquement par <name> » whose role line is stamp_text (e.g.
 * « Signataire externe — code reçu par SMS le … »), /Name = name, at o->tag or o->page when given
 * (else the « #signature# » tag when present, else invisible); other formats as sign_document with
 * the seal. base may be NULL. Appends the result to out. */
int sign_seal_on_behalf(db *d, int64_t tenant, int format, const void *doc, size_t len, const char *name,
			const char *stamp_text, const struct sign_opts *base, buf *out, struct err *e);

#endif
