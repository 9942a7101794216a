/* password: strength rule (ANSSI guidance) and argon2id hashing through libsodium. */
#include "identity/identity.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

int password_check(const char *pw, const char *login, struct err *e)
{
	size_t n = strlen(pw);
	int lower = 0, upper = 0, digit = 0, other = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (islower(*p))
			lower = 1;
		else if (isupper(*p))
			upper = 1;
		else if (isdigit(*p))
			digit = 1;
		else
			other = 1;
	}
	int classes = lower + upper + digit + other;
	if (n > 256)
		return err_set(e, 400, "motdepasse.long", "Mot de passe trop long (256 caractères au plus).");
	if (n < 12 || (n < 16 && classes < 3))
		return err_set(e, 400, "motdepasse.faible",
			       "Mot de passe trop faible : 12 caractères au moins mêlant trois types (minuscules, majuscules, "
			       "chiffres, symboles), ou 16 caractères au moins.");
	if (login && strlen(login) >= 3 && strcasestr(pw, login))
		return err_set(e, 400, "motdepasse.identifiant", "Le mot de passe ne doit pas contenir l'identifiant.");
	return 0;
}

int password_hash(const char *pw, char out[128], struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, 500, "crypto.init", "Initialisation cryptographique impossible.");
	_Static_assert(crypto_pwhash_STRBYTES <= 128, "hash buffer");
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, 500, "crypto.memoire", "Mémoire insuffisante pour calculer l'empreinte du mot de passe.");
	return 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (sodium_init() < 0 || !hash || !*hash)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}
