/* plugin: the identity of the rendering plugin opale-rendu.so (the objects listed in the Makefile's
 * RENDU_SRC), checked by src/rendu/loader.c before any of its functions is used. */
#include "core/version.h"
#include "rendu/rendu.h"

const char opale_rendu_version[] = OPALE_VERSION;
