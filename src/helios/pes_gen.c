/* pes_gen: writes a synthetic PES_Aller of a requested size that passes the schema and every rule —
 * for benchmarks, memory tests and demo data. Deterministic for a seed; PJ are real gzip+base64. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "core/buf.h"
#include "core/mem.h"
#include "helios/helios.h"
#include "helios/pes_priv.h"

#define PIECES_PER_BORDEREAU 500
#define PIECES_PER_PJ 20
#define PJ_RAW 12000          /* bytes of random content per PJ, ≈ 16 KB once in base64 */

static uint64_t next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* ISO-8859-1 on purpose: the file declares it, and the view must render these names. */
static const char *const noms[] = { "SOCI\xc9T\xc9 DES EAUX DU LAURAGAIS", "BOULANGERIE P\xc8RE MARTIN",
				    "GUGLIELMETTI", "\xc9LECTRICIT\xc9 DE FRANCE", "LIBRAIRIE DU MIDI",
				    "CENTRE COMMUNAL D'ACTION SOCIALE", "GARAGE DES PYR\xc9N\xc9\x45S" };
static const char *const natures[] = { "60611", "60628", "6064", "6156", "6231", "2183", "611" };

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(buf *out, const unsigned char *p, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
			      i + 2 < n ? b64[v & 63] : '=' };
		buf_add(out, q, 4);
		if ((col += 4) == 76) {
			buf_putc(out, '\n');
			col = 0;
		}
	}
}

/* gzip (RFC 1952) of n pseudo-random bytes, base64 — what a PES PJ holds. */
static int pj_content(buf *out, uint64_t *rng)
{
	unsigned char raw[PJ_RAW], gz[PJ_RAW + 256];
	for (size_t i = 0; i < sizeof raw; i += 8) {
		uint64_t v = next(rng);
		memcpy(raw + i, &v, sizeof raw - i < 8 ? sizeof raw - i : 8);
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = raw;
	z.avail_in = sizeof raw;
	z.next_out = gz;
	z.avail_out = sizeof gz;
	int rc = deflate(&z, Z_FINISH);
	size_t n = sizeof gz - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		return -1;
	base64(out, gz, n);
	return 0;
}

static void header(buf *o, const struct pes_gen_opts *g)
{
	buf_puts(o, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		    "<n:PES_Aller xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller\" Id=\"GEN1\">\n"
		    " <Enveloppe>\n  <Parametres>\n   <Version V=\"2\"/>\n   <TypFic V=\"PESALR2\"/>\n"
		    "   <NomFic V=\"");
	pes_xml_latin1(o, g->nomfic);
	buf_puts(o, "\"/>\n  </Parametres>\n"
		    "  <Emetteur>\n   <Sigle V=\"OPALE\"/>\n   <Adresse V=\"opale pes gen\"/>\n  </Emetteur>\n"
		    " </Enveloppe>\n <EnTetePES>\n  <DteStr V=\"");
	pes_xml_latin1(o, g->date);
	buf_puts(o, "\"/>\n  <IdPost V=\"");
	pes_xml_latin1(o, g->idpost);
	buf_puts(o, "\"/>\n  <IdColl V=\"");
	pes_xml_latin1(o, g->idcoll);
	buf_puts(o, "\"/>\n  <CodCol V=\"");
	pes_xml_latin1(o, g->codcol);
	buf_puts(o, "\"/>\n  <CodBud V=\"");
	pes_xml_latin1(o, g->codbud);
	buf_puts(o, "\"/>\n  <LibelleColBud V=\"");
	pes_xml_latin1(o, g->libelle);
	buf_puts(o, "\"/>\n </EnTetePES>\n"
		    " <PES_DepenseAller>\n  <EnTeteDepense>\n   <IdVer V=\"2\"/>\n"
		    "   <InfoDematerialisee V=\"1\"/>\n  </EnTeteDepense>\n");
}

static void piece(buf *o, const char *idcoll, unsigned long id, long long cents, int with_pj, unsigned long pj, uint64_t *rng)
{
	const char *nom = noms[next(rng) % (sizeof noms / sizeof noms[0])];
	buf_printf(o, "   <Piece>\n    <BlocPiece>\n     <InfoPce>\n      <IdPce V=\"%lu\"/>\n"
		      "      <TypPce V=\"01\"/>\n      <NatPce V=\"01\"/>\n      <Obj V=\"Fourniture n\xb0 %lu\"/>\n",
		   id, id);
	if (with_pj)
		buf_printf(o, "      <PJRef>\n       <Support V=\"01\"/>\n       <IdUnique V=\"%.14sGEN%08lu\"/>\n"
			      "       <NomPJ V=\"facture-%lu.pdf\"/>\n      </PJRef>\n", idcoll, pj, pj);
	buf_printf(o, "     </InfoPce>\n    </BlocPiece>\n    <LigneDePiece>\n     <BlocLignePiece>\n"
		      "      <InfoLignePce>\n       <IdLigne V=\"1\"/>\n       <Nature V=\"%s\"/>\n"
		      "       <Fonction V=\"020\"/>\n       <LibVir1 V=\"FACT %lu\"/>\n       <ModRegl V=\"03\"/>\n"
		      "       <TVAIntraCom V=\"0\"/>\n       <MtHT V=\"%lld.%02lld\"/>\n      </InfoLignePce>\n"
		      "     </BlocLignePiece>\n     <Tiers>\n      <InfoTiers>\n       <RefTiers V=\"%lu\"/>\n"
		      "       <CatTiers V=\"50\"/>\n       <NatJur V=\"03\"/>\n       <Nom V=\"%s\"/>\n"
		      "      </InfoTiers>\n      <Adresse>\n       <TypAdr V=\"1\"/>\n       <Adr2 V=\"%lu RUE DES LILAS\"/>\n"
		      "       <CP V=\"31000\"/>\n       <Ville V=\"TOULOUSE\"/>\n       <CodRes V=\"0\"/>\n"
		      "      </Adresse>\n      <CpteBancaire>\n       <BIC V=\"PSSTFRPPTOU\"/>\n"
		      "       <IBAN V=\"FR7630001007941234567890185\"/>\n       <LibBanc V=\"LA BANQUE POSTALE\"/>\n"
		      "       <TitCpte V=\"%s\"/>\n      </CpteBancaire>\n     </Tiers>\n    </LigneDePiece>\n"
		      "   </Piece>\n",
		   natures[id % (sizeof natures / sizeof natures[0])], id, cents / 100, cents % 100,
		   1000 + id % 977, nom, 1 + id % 120, nom);
}

int pes_gen_write_opts(FILE *f, const struct pes_gen_opts *opts, struct pes_gen_stats *st, struct err *e)
{
	struct pes_gen_opts g = *opts;
	if (!g.date)
		g.date = "2025-03-14";
	if (!g.idcoll)
		g.idcoll = "24310063300011";
	if (!g.idpost)
		g.idpost = "031007";
	if (!g.codcol)
		g.codcol = "100";
	if (!g.codbud)
		g.codbud = "00";
	if (!g.libelle)
		g.libelle = "COMMUNE DE D\xc3\x89MONSTRATION";
	if (!g.nomfic)
		g.nomfic = "OPALE_GEN_0001";
	unsigned per = g.mandats ? g.mandats : PIECES_PER_BORDEREAU;
	char exer[8];
	snprintf(exer, sizeof exer, "%.4s", g.date);
	if (strlen(g.date) != 10 || strlen(g.idcoll) < 14)
		return err_set(e, 400, "pes.gen", "date AAAA-MM-JJ et IdColl de 14 chiffres attendus");
	uint64_t rng = 0x9E3779B97F4A7C15ULL ^ g.seed;
	buf o = BUF_INIT, pieces = BUF_INIT;
	unsigned long long written = 0;
	unsigned long bord0 = g.first_bordereau ? g.first_bordereau - 1 : 0, bord = bord0;
	unsigned long id = bord0 * per, pj0 = id / PIECES_PER_PJ, pj = pj0;
	int rc = 0;
	struct pes_gen_stats s = { 0 };
	header(&o, &g);
	/* A PJ costs ≈ 16 KB, a mandat ≈ 1.5 KB: stop when what is written plus the PJ still owed
	 * reaches the target. */
	do {
		long long sum = 0;
		buf_reset(&pieces);
		for (unsigned i = 0; i < per; i++) {
			long long cents = 100 + (long long)(next(&rng) % 500000);
			int with_pj = (++id - bord0 * per) % PIECES_PER_PJ == 0;
			sum += cents;
			piece(&pieces, g.idcoll, id, cents, with_pj, with_pj ? ++pj : 0, &rng);
		}
		bord++;
		buf_printf(&o, "  <Bordereau Id=\"BORD%lu\">\n   <BlocBordereau>\n    <Exer V=\"%s\"/>\n"
			       "    <IdBord V=\"%lu\"/>\n    <DteBordEm V=\"%s\"/>\n    <TypBord V=\"01\"/>\n"
			       "    <NbrPce V=\"%u\"/>\n    <MtCumulAnnuel V=\"%lld.%02lld\"/>\n"
			       "    <MtBordHT V=\"%lld.%02lld\"/>\n   </BlocBordereau>\n",
			   bord, exer, bord, g.date, per, sum / 100 + 1000000, sum % 100, sum / 100, sum % 100);
		buf_add(&o, pieces.data, pieces.len);
		buf_puts(&o, "  </Bordereau>\n");
		if (fwrite(o.data, 1, o.len, f) != o.len)
			goto io;
		written += o.len;
		buf_reset(&o);
	} while (g.bordereaux ? bord - bord0 < g.bordereaux : written + (pj - pj0) * 16000ULL < g.target);
	buf_puts(&o, " </PES_DepenseAller>\n");
	if (pj > pj0)
		buf_puts(&o, " <PES_PJ>\n  <EnTetePES_PJ>\n   <IdVer V=\"1\"/>\n  </EnTetePES_PJ>\n");
	for (unsigned long k = pj0 + 1; k <= pj; k++) {
		buf_puts(&o, "  <PJ>\n   <Contenu>\n    <Fichier MIMEType=\"application/pdf\">");
		if (pj_content(&o, &rng) < 0) {
			rc = err_set(e, 500, "pes.gen", "compression gzip impossible");
			goto out;
		}
		buf_printf(&o, "</Fichier>\n   </Contenu>\n   <IdUnique V=\"%.14sGEN%08lu\"/>\n"
			       "   <NomPJ V=\"facture-%lu.pdf\"/>\n   <TypePJ V=\"003\"/>\n"
			       "   <Description V=\"Facture du mandat %lu\"/>\n  </PJ>\n",
			   g.idcoll, k, k, bord0 * per + (k - pj0) * PIECES_PER_PJ);
		if (fwrite(o.data, 1, o.len, f) != o.len)
			goto io;
		written += o.len;
		buf_reset(&o);
	}
	buf_puts(&o, pj > pj0 ? " </PES_PJ>\n</n:PES_Aller>\n" : "</n:PES_Aller>\n");
	if (fwrite(o.data, 1, o.len, f) != o.len)
		goto io;
	written += o.len;
	s.bytes = written;
	s.bordereaux = bord - bord0;
	s.pieces = id - bord0 * per;
	s.pjs = pj - pj0;
	if (st)
		*st = s;
	goto out;
io:
	rc = err_set(e, 500, "pes.gen", "écriture impossible");
out:
	buf_free(&o);
	buf_free(&pieces);
	return rc;
}

int pes_gen_write(FILE *f, unsigned long long target, unsigned seed, struct pes_gen_stats *st, struct err *e)
{
	struct pes_gen_opts g = { .target = target, .seed = seed };
	return pes_gen_write_opts(f, &g, st, e);
}
