/* Unit tests of the template engine: escaping by default, sections, inverted, dotted, errors. */
#include "web/tmpl.h"
#include "t.h"

static const char *r(buf *b, const char *src, const char *json)
{
	json_t *d = json_loads(json, 0, NULL);
	static struct err e;
	buf_reset(b);
	int rc = tmpl_render_text(b, src, strlen(src), d, &e);
	json_decref(d);
	return rc < 0 ? e.code : (b->data ? b->data : "");
}

int main(void)
{
	buf b = BUF_INIT;
	T_EQ_STR(r(&b, "Bonjour {{nom}} !", "{\"nom\":\"<script>alert('x')</script>\"}"),
		 "Bonjour &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; !", "variables are HTML-escaped by default");
	T_EQ_STR(r(&b, "{{{h}}}", "{\"h\":\"<b>gras</b>\"}"), "<b>gras</b>", "triple braces are raw");
	T_EQ_STR(r(&b, "{{#l}}[{{n}}]{{/l}}", "{\"l\":[{\"n\":1},{\"n\":2},{\"n\":\"é\"}]}"), "[1][2][é]", "array section iterates");
	T_EQ_STR(r(&b, "{{^l}}vide{{/l}}", "{\"l\":[]}"), "vide", "inverted section on empty array");
	T_EQ_STR(r(&b, "{{#u}}{{u.nom}} {{titre}}{{/u}}", "{\"u\":{\"nom\":\"Ana\"},\"titre\":\"Mme\"}"), "Ana Mme",
		 "dotted names and lookup up the context stack");
	T_EQ_STR(r(&b, "{{#a}}{{#a}}x{{/a}}{{/a}}", "{\"a\":true}"), "x", "nested sections with the same name");
	T_EQ_STR(r(&b, "{{#a}}x", "{\"a\":true}"), "tmpl.syntax", "unclosed section is an error");
	T_EQ_STR(r(&b, "{{x", "{}"), "tmpl.syntax", "unclosed tag is an error");
	T_EQ_STR(r(&b, "{{> nope}}", "{}"), "tmpl.partial", "unknown partial is an error");
	T_EQ_STR(r(&b, "a{{! commentaire }}b{{manque}}c", "{}"), "abc", "comments and missing values render nothing");
	buf_free(&b);
	return t_done();
}
