/* version: the release number, printed by `opale version`. */
#ifndef OPALE_VERSION_H
#define OPALE_VERSION_H
#define OPALE_VERSION "0.1.0"
#endif
