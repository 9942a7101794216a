/* config: layered configuration (defaults → file → environment → flags), table-driven. */
#include "core/config.h"
#include "core/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config cfg;

enum kind { STR, UINT, SIZE, BOOL };

static const struct option {
	const char *key;     /* file key; env is OPALE_<KEY upper>; flag is --<key with - for _> */
	enum kind kind;
	size_t off, len;
	const char *def;
} options[] = {
#define S(k, f, d) { k, STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), d }
#define U(k, f, d) { k, UINT, offsetof(struct config, f), 0, d }
#define Z(k, f, d) { k, SIZE, offsetof(struct config, f), 0, d }
#define B(k, f, d) { k, BOOL, offsetof(struct config, f), 0, d }
	S("listen", listen, "127.0.0.1:8080"),
	S("data", data_dir, "var"),
	S("db", db_url, ""),
	S("public_url", public_url, "http://127.0.0.1:8080"),
	U("threads", threads, "4"),
	U("job_workers", job_workers, "2"),
	Z("max_body", max_body, "1M"),
	Z("max_upload", max_upload, "4G"),
	U("max_connections", max_connections, "1024"),
	U("conn_timeout", conn_timeout, "15"),
	Z("header_limit", header_limit, "64K"),
	U("session_idle", session_idle, "1800"),
	U("session_max", session_max, "43200"),
	B("secure_cookies", secure_cookies, "0"),
	S("smtp_url", smtp_url, "smtp://127.0.0.1:25"),
	S("smtp_from", smtp_from, "opale@localhost"),
	S("tsa_url", tsa_url, ""),
	S("pes_policy_file", pes_policy_file, ""),
	S("pes_policy_digest", pes_policy_digest, ""),
	S("sign_trust", sign_trust, ""),
	S("log_level", log_level, "info"),
	S("tls_cert", tls_cert, ""),
	S("tls_key", tls_key, ""),
	S("trusted_proxies", trusted_proxies, ""),
	S("tdt_url", tdt_url, ""),
	S("tdt_login", tdt_login, ""),
	S("tdt_password", tdt_password, ""),
	S("tdt_cert", tdt_cert, ""),
	S("tdt_key", tdt_key, ""),
	S("tdt_key_password", tdt_key_password, ""),
	S("tdt_cacert", tdt_cacert, ""),
	U("tdt_timeout", tdt_timeout, "60"),
	U("tdt_poll", tdt_poll, "60"),
#undef S
#undef U
#undef Z
#undef B
};

static int parse_size(const char *v, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': n <<= 10; end++; break;
	case 'M': n <<= 20; end++; break;
	case 'G': n <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = (size_t)n;
	return 0;
}

static int apply(const struct option *o, const char *v, struct err *e)
{
	char *p = (char *)&cfg + o->off;
	switch (o->kind) {
	case STR:
		if (strlen(v) >= o->len)
			return err_set(e, 400, "config.too_long", "Valeur trop longue pour « %s ».", o->key);
		strcpy(p, v);
		return 0;
	case UINT: {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (end == v || *end)
			return err_set(e, 400, "config.invalid", "« %s » attend un entier, reçu « %s ».", o->key, v);
		*(unsigned *)p = (unsigned)n;
		return 0;
	}
	case SIZE:
		if (parse_size(v, (size_t *)p) < 0)
			return err_set(e, 400, "config.invalid", "« %s » attend une taille (ex. 10M), reçu « %s ».", o->key, v);
		return 0;
	case BOOL:
		*(int *)p = strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
		return 0;
	}
	return -1;
}

int config_set(const char *key, const char *value, struct err *e)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (strcmp(options[i].key, key) == 0)
			return apply(&options[i], value, e);
	return err_set(e, 400, "config.unknown", "Paramètre de configuration inconnu : « %s ».", key);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int load_file(const char *path, int must_exist, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist)
			return 0;
		return err_set(e, 400, "config.file", "Fichier de configuration illisible : %s (%s).", path, strerror(errno));
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = err_set(e, 400, "config.syntax", "%s:%d : « clé = valeur » attendu.", path, lineno);
			break;
		}
		*eq = '\0';
		if (config_set(trim(s), trim(eq + 1), e) < 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int config_load(int argc, char **argv, struct err *e)
{
	memset(&cfg, 0, sizeof cfg);
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (apply(&options[i], options[i].def, e) < 0)
			return -1;
	const char *file = getenv("OPALE_CONFIG");
	if (load_file(file ? file : "/etc/opale/opale.conf", file != NULL, e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		char env[64] = "OPALE_";
		for (size_t j = 0; options[i].key[j] && j < 50; j++)
			env[6 + j] = (char)toupper((unsigned char)options[i].key[j]);
		const char *v = getenv(env);
		if (v && apply(&options[i], v, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "%s", options[i].key);
		for (char *p = flag; *p; p++)
			if (*p == '_')
				*p = '-';
		const char *v = cli_opt(argc, argv, flag);
		if (v && apply(&options[i], v, e) < 0)
			return -1;
	}
	return 0;
}
