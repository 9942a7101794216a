/* ics: iCalendar (RFC 5545) text for the calendar feeds — escaping of TEXT values, UTC and DATE
 * values, and line folding at 75 octets. Hand-written: libical is not needed to write a few
 * VEVENTs, and these are the three rules the format imposes on a writer. */
#ifndef OPALE_ICS_H
#define OPALE_ICS_H
#include <stdint.h>

#include "core/buf.h"
#include "core/dates.h"

/* BEGIN:VCALENDAR … with PRODID "-//Opale//<product>//FR" and X-WR-CALNAME (escaped). */
void ics_begin(buf *b, const char *product, const char *name);
/* A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma, line breaks. */
void ics_text(buf *b, const char *s);
/* "NAME:20240404T070000Z\r\n" for an instant (seconds since the epoch, UTC). */
void ics_utc(buf *b, const char *name, int64_t t);
/* "NAME;VALUE=DATE:20240404\r\n". */
void ics_date(buf *b, const char *name, struct date d);
/* END:VCALENDAR, then every content line longer than 75 octets folded (CRLF + space), never inside
 * a UTF-8 sequence. */
void ics_end(buf *b);

#endif
