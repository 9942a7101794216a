/* config: the process configuration — defaults, then the config file, then OPALE_* environment
 * variables, then command-line flags (each layer overrides the previous). Documented in
 * docs/configuration.md; the one global besides the logger. */
#ifndef OPALE_CONFIG_H
#define OPALE_CONFIG_H
#include <stddef.h>

#include "core/err.h"

struct config {
	char listen[128];        /* ADDR:PORT */
	char data_dir[1024];     /* var/ by default */
	char db_url[1024];       /* empty → SQLite at data_dir/opale.db */
	char public_url[256];    /* base URL in e-mails and links */
	unsigned threads;        /* HTTP worker threads */
	unsigned job_workers;    /* job queue worker threads */
	size_t max_body;         /* JSON/form bodies, bytes */
	size_t max_upload;       /* uploaded files, bytes */
	unsigned max_connections;
	unsigned conn_timeout;   /* seconds of inactivity before a connection is dropped */
	size_t header_limit;     /* per-connection memory for headers, bytes */
	unsigned session_idle;   /* seconds */
	unsigned session_max;    /* seconds */
	int secure_cookies;      /* behind TLS */
	char smtp_url[256];      /* smtp://host:port */
	char smtp_from[256];
	char tsa_url[256];       /* RFC 3161 time-stamping authority for proofs (convocations…) and, unless a
				  * collectivité names its own (sign_settings), for B-T signatures; empty = none */
	char pes_policy_file[1024]; /* the DGFiP signature policy document: its SHA-256 goes in PES signatures */
	char pes_policy_digest[64]; /* or that digest (base64) given directly; the file wins when both are set */
	char sign_trust[1024];   /* CA certificates (PEM file or directory) trusted by signature reports */
	char log_level[16];
	char tls_cert[1024];     /* PEM certificate (chain) for a direct TLS listener; empty → plain HTTP */
	char tls_key[1024];      /* its PEM private key */
	char trusted_proxies[256]; /* proxy addresses whose X-Forwarded-For gives the client address */
	/* TdT (tiers de télétransmission, S2LOW): defaults for every collectivité, which may override
	 * them (actes_settings). Client certificate and key in PEM; login/password for a shared one. */
	char tdt_url[512];
	char tdt_login[128], tdt_password[128];
	char tdt_cert[512], tdt_key[512], tdt_key_password[128], tdt_cacert[512];
	unsigned tdt_timeout;    /* seconds without progress before a call is abandoned */
	unsigned tdt_poll;       /* seconds between two status polls */
};

extern struct config cfg;

/* Sets defaults, reads the file named by OPALE_CONFIG (or /etc/opale/opale.conf when present),
 * then the environment, then argv flags (--listen, --data, --db, …). */
int config_load(int argc, char **argv, struct err *e);
/* Applies one "key = value" setting (file syntax). */
int config_set(const char *key, const char *value, struct err *e);

#endif
