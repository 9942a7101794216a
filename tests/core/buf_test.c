/* Unit tests of the growable buffer and the arena. */
#include "core/buf.h"
#include "core/mem.h"
#include "t.h"

#include <jansson.h>

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	T_OK(b.len == strlen(b.data), "buf length matches its text after 1000 appends");
	T_OK(strncmp(b.data, "0,1,2,", 6) == 0, "buf keeps order");
	buf_reset(&b);
	buf_html(&b, "<a href=\"x\">L'été & co</a>");
	T_EQ_STR(b.data, "&lt;a href=&quot;x&quot;&gt;L&#39;été &amp; co&lt;/a&gt;", "HTML escaping of the 5 specials");
	buf_reset(&b);
	buf_json_str(&b, "a\"b\\c\n\x01");
	T_EQ_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\"", "JSON string escaping");
	buf_reset(&b);
	/* The streamed JSON lists (actes) rely on buf_json_str writing what jansson's json_dumps writes. */
	char all[0x80 + 16];
	for (int c = 1; c < 0x80; c++)
		all[c - 1] = (char)c;
	strcpy(all + 0x7f, "é\xe2\x80\xa8\xf0\x9f\x98\x80");
	json_t *js = json_string(all);
	char *dumped = json_dumps(js, JSON_ENCODE_ANY | JSON_COMPACT);
	buf_json_str(&b, all);
	T_EQ_STR(b.data, dumped, "JSON escaping of every ASCII byte and some UTF-8: the same bytes as json_dumps");
	free(dumped);
	json_decref(js);
	buf_reset(&b);
	buf_int(&b, 0);
	buf_putc(&b, ' ');
	buf_int(&b, -9223372036854775807LL - 1);
	buf_putc(&b, ' ');
	buf_int(&b, 1700000000123LL);
	T_EQ_STR(b.data, "0 -9223372036854775808 1700000000123", "decimal integers, the smallest one too");
	buf_reset(&b);
	buf_urlenc(&b, "é a/b");
	T_EQ_STR(b.data, "%C3%A9%20a%2Fb", "URL encoding");
	buf_free(&b);

	char path[] = "/tmp/opale-buf-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	buf w = BUF_INIT;
	buf_puts(&w, "contenu");
	T_OK(buf_write_file_atomic(&w, path) == 0, "atomic write succeeds");
	buf r = BUF_INIT;
	T_OK(buf_read_file(&r, path, 0) == 0 && strcmp(r.data, "contenu") == 0, "read back what was written");
	buf_reset(&r);
	T_OK(buf_read_file(&r, path, 3) < 0, "read with a size cap refuses a larger file");
	unlink(path);
	buf_free(&w);
	buf_free(&r);

	arena *a = arena_new();
	char *s = arena_printf(a, "%s-%d", "x", 42);
	T_EQ_STR(s, "x-42", "arena printf");
	for (int i = 0; i < 10000; i++)
		arena_alloc(a, 100);
	char *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	T_OK(1, "arena survives large and many allocations");
	arena_free(a);
	return t_done();
}
