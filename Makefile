# Opale — plain make + pkg-config. `make run` builds and serves the demo; `make test` runs everything.
CC      ?= gcc
# The `opale` executable links PKGS_CORE; the rendering libraries (PKGS_RENDU) are linked into the plugin
# opale-rendu.so that it loads on first use (src/rendu/loader.c). Test binaries and peers link both.
PKGS_CORE  := libmicrohttpd jansson sqlite3 libpq openssl libxml-2.0 xmlsec1-openssl libsodium libcurl \
              libarchive glib-2.0 libmagic libqpdf zlib
PKGS_RENDU := cairo pangocairo poppler-glib xlsxwriter
PKGS    := $(PKGS_CORE) $(PKGS_RENDU)
# One list of Debian packages, in one place: read by `make deps` and by .ci/run. npm is not in it: the
# machines ship Node.js 20 with its own npm, which Debian's npm package conflicts with.
DEPS    := $(shell cat tools/debian-packages 2>/dev/null)

OPT     ?= -O2
CFLAGS  := -std=c17 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -Wno-deprecated-declarations \
           -fno-strict-aliasing -pthread -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDLIBS_CORE  := $(shell pkg-config --libs $(PKGS_CORE) 2>/dev/null) -lpthread -lm -ldl
LDLIBS_RENDU := $(shell pkg-config --libs $(PKGS_RENDU) 2>/dev/null)
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BUILD   := build/san
else
BUILD   := build/rel
endif

# The files that call cairo, pango, poppler or libxlsxwriter: the plugin, compiled a second time with -fPIC.
RENDU_SRC := src/conventions/xlsx.c src/egalite/pdf.c src/egalite/xlsx.c src/helios/pes_pdf.c \
             src/publication/publier_pdf.c src/rendu/plugin.c src/sign/stamp_draw.c src/web/pdfdoc.c
LOADER    := src/rendu/loader.c
SRC       := $(shell find src -name '*.c' ! -name main.c ! -path $(LOADER) | sort)
# OBJ: everything, rendering included (test binaries, peers); CORE_OBJ: the executable's share.
OBJ       := $(SRC:%.c=$(BUILD)/%.o)
CORE_OBJ  := $(filter-out $(RENDU_SRC:%.c=$(BUILD)/%.o),$(OBJ)) $(BUILD)/$(LOADER:.c=.o)
RENDU_OBJ := $(RENDU_SRC:%.c=$(BUILD)/pic/%.o)
# The rendering objects are no explicit rule's prerequisite any more (only the test pattern rules'):
# keep make from deleting them as intermediate files.
.SECONDARY: $(OBJ)
EMBED_IN  := $(shell find web/templates web/static src/db/migrations -type f 2>/dev/null | sort)
TEST_SRC  := $(shell find tests -name '*_test.c' | sort)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TESTLIB   := $(shell find tests/lib -name '*.c' 2>/dev/null | sort)
PEER_SRC  := $(shell find tests/peers -name '*.c' 2>/dev/null | sort)
PEER_BIN  := $(PEER_SRC:tests/peers/%.c=$(BUILD)/peers/%)

.PHONY: all deps run test check-hard fuzz bench clean tests peers san deb

all: opale

# The plugin is copied beside ./opale, where the loader looks first; renamed into place, never rewritten,
# so a running server that mapped the previous one keeps its pages.
opale: $(BUILD)/opale $(BUILD)/opale-rendu.so
	cp $(BUILD)/opale-rendu.so opale-rendu.so.tmp && mv -f opale-rendu.so.tmp opale-rendu.so
	cp $< $@

# The executable exports (dynamic symbol table) exactly the symbols the plugin takes from it.
$(BUILD)/opale: $(CORE_OBJ) $(BUILD)/src/main.o $(BUILD)/gen/embedded.o $(BUILD)/rendu.sym
	@echo "  LD $@"; $(CC) $(LDFLAGS) -Wl,--dynamic-list=$(BUILD)/rendu.sym -o $@ $(filter %.o,$^) $(LDLIBS_CORE)

$(BUILD)/opale-rendu.so: $(RENDU_OBJ)
	@echo "  LD $@"; $(CC) $(LDFLAGS) -shared -Wl,-Bsymbolic -o $@ $^ $(LDLIBS_RENDU)

$(BUILD)/rendu.sym: $(BUILD)/opale-rendu.so
	@{ echo '{'; nm -D --undefined-only $< | awk '{sub(/@.*/, "", $$2); print "  " $$2 ";"}'; echo '};'; } > $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $< (-fPIC)"; $(CC) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

$(BUILD)/gen/embedded.c: build/tools/embed $(EMBED_IN)
	@mkdir -p $(dir $@)
	@echo "  EMBED $(words $(EMBED_IN)) files"; build/tools/embed $@ "" $(EMBED_IN)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(OBJ) $(BUILD)/gen/embedded.o $(TESTLIB) tests/t.h
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(CFLAGS) -Itests -Itests/lib -o $@ $< $(TESTLIB) $(OBJ) $(BUILD)/gen/embedded.o $(LDFLAGS) $(LDLIBS)

$(BUILD)/peers/%: tests/peers/%.c $(OBJ) $(BUILD)/gen/embedded.o
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(CFLAGS) -Itests -o $@ $< $(OBJ) $(BUILD)/gen/embedded.o $(LDFLAGS) $(LDLIBS)

tests: opale $(TEST_BIN) $(PEER_BIN)
peers: $(PEER_BIN)

# Installs the Debian packages when one is missing (needs root or sudo).
deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets manquants : $$missing"; \
	  SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: deps
	$(MAKE) opale
	mkdir -p var
	./opale migrate --data var
	./opale demo --data var
	./opale serve --listen 127.0.0.1:8080 --data var

test: deps
	$(MAKE) tests
	BUILD=$(BUILD) tests/run

# The long reliability suite (docs/reliability.md): fuzzing 10 CPU-minutes per target, the suite under
# ASan+UBSan, valgrind on the CLI, 100 kill -9 during mixed work, 60 s of load at 256 connections.
check-hard: deps
	$(MAKE) tests
	hard/run

san:
	$(MAKE) SAN=1 tests

fuzz:
	$(MAKE) -C fuzz

bench: opale
	bench/run

clean:
	rm -rf build opale opale-rendu.so

-include $(OBJ:.o=.d) $(RENDU_OBJ:.o=.d) $(BUILD)/$(LOADER:.c=.d) $(BUILD)/src/main.d

# Debian package: staged tree + dpkg-deb; runtime dependencies computed from the binary's libraries.
DEB_VERSION := $(shell sed -n 's/.*OPALE_VERSION "\(.*\)"/\1/p' src/core/version.h)
DEB_DIR := build/deb/opale_$(DEB_VERSION)_amd64
deb: opale
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/DEBIAN $(DEB_DIR)/usr/bin $(DEB_DIR)/etc/opale \
	  $(DEB_DIR)/lib/systemd/system $(DEB_DIR)/usr/share/man/man1 $(DEB_DIR)/usr/share/doc/opale
	install -m 0755 -s opale $(DEB_DIR)/usr/bin/opale
	install -D -m 0644 -s opale-rendu.so $(DEB_DIR)/usr/lib/opale/opale-rendu.so
	install -m 0640 packaging/opale.conf $(DEB_DIR)/etc/opale/opale.conf
	install -m 0644 packaging/opale.service $(DEB_DIR)/lib/systemd/system/opale.service
	install -m 0755 packaging/postinst packaging/prerm $(DEB_DIR)/DEBIAN/
	tools/mkman.sh ./opale | gzip -9n > $(DEB_DIR)/usr/share/man/man1/opale.1.gz
	cp docs/*.md README.md $(DEB_DIR)/usr/share/doc/opale/
	install -D -m 0644 packaging/nginx-opale.conf $(DEB_DIR)/usr/share/doc/opale/examples/nginx-opale.conf
	install -D -m 0644 packaging/prometheus-opale.rules.yml $(DEB_DIR)/usr/share/doc/opale/examples/prometheus-opale.rules.yml
	echo /etc/opale/opale.conf > $(DEB_DIR)/DEBIAN/conffiles
	# Runtime dependencies from the libraries of the binary and of the rendering plugin (dpkg-shlibdeps
	# reads their symbols files; a library no package provides fails the build rather than producing a
	# package that cannot start or draw a PDF).
	rm -rf build/deb/shlibs && mkdir -p build/deb/shlibs/debian && \
	printf 'Source: opale\n\nPackage: opale\nArchitecture: amd64\n' > build/deb/shlibs/debian/control
	deps=$$(cd build/deb/shlibs && dpkg-shlibdeps -O $(CURDIR)/$(DEB_DIR)/usr/bin/opale $(CURDIR)/$(DEB_DIR)/usr/lib/opale/opale-rendu.so 2>/dev/null | sed -n 's/^shlibs:Depends=//p') && \
	test -n "$$deps" && \
	printf 'Package: opale\nVersion: $(DEB_VERSION)\nArchitecture: amd64\nMaintainer: Opale developers <dev@opale.invalid>\nSection: web\nPriority: optional\nDepends: adduser, fonts-dejavu-core, %s\nRecommends: postgresql-client\nSuggests: nginx-light, postgresql\nDescription: e-administration platform for French local authorities\n Parapheur, ACTES and Helios transmission, convocations, publication.\n' "$$deps" > $(DEB_DIR)/DEBIAN/control
	dpkg-deb --root-owner-group --build $(DEB_DIR) build/opale_$(DEB_VERSION)_amd64.deb
