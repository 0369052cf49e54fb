# modscan build.
#
#   make            ./modscan: one static musl executable (and tests/ccapsim)
#   make dev        build/asan/modscan: glibc, Debian's shared libraries,
#                   AddressSanitizer + UBSan, for development and tests
#   make check      unit, integration (on both binaries), fuzz-smoke tests and
#                   a smoke run of the chaos suite, counted in one summary
#   make chaos      the chaos suite (tests/chaos), under 30 minutes
#   make deb        build/deb/modscan_VERSION_amd64.deb (dpkg-deb)
#   make demo       the whole job end to end on this machine
#   make fuzz       the parser fuzzers, longer
#   make bench      the benchmarks under tests/bench (bench-report,
#                   bench-sweep, bench-scrape, bench-nodes, bench-lease,
#                   bench-alerts, bench-plantalert, bench-fleet: one)
#
# The static libraries (libssh, Connector/C, mbedTLS, OpenSSL, cJSON, zlib,
# jemalloc) are built once from Debian's sources by contrib/build-deps.sh
# into $(DEPS_CACHE), keyed on that script, so later builds only compile
# modscan.

.SUFFIXES:
.DELETE_ON_ERROR:

V ?= 0
ifeq ($(V),0)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

DEPS_CACHE ?= $(HOME)/.cache/modscan-deps
DEPS_KEY := $(shell cat contrib/build-deps.sh 2>/dev/null | sha256sum | cut -c1-12)
DEPS := $(DEPS_CACHE)/$(DEPS_KEY)

WARN = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
       -Wmissing-prototypes -fno-common
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -iquote lib \
	      -iquote applets -iquote build/gen
CFLAGS ?=

LIB_SRC := $(sort $(wildcard lib/*.c))
APPLET_SRC := $(sort $(wildcard applets/*.c))

# --- static musl build (the shipped binary) ---
STATIC_CC = musl-gcc
STATIC_INC = -isystem $(DEPS)/include -isystem $(DEPS)/include/mariadb
# jemalloc, whole and first: its malloc replaces musl's (one global lock).
STATIC_MALLOC = -Wl,--whole-archive $(DEPS)/lib/libjemalloc.a \
		-Wl,--no-whole-archive
STATIC_LIBS = -L$(DEPS)/lib -lssh -lcjson -lmariadbclient -lmbedtls \
	      -lmbedx509 -lmbedcrypto -lssl -lcrypto -lz -lpthread -lm
STATIC_LIB_OBJ := $(patsubst %.c,build/static/%.o,$(LIB_SRC))
STATIC_APPLET_OBJ := $(patsubst %.c,build/static/%.o,$(APPLET_SRC))

# --- glibc development build with sanitizers ---
DEV_CC = gcc
SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
      -fno-omit-frame-pointer
DEV_INC = -isystem /usr/include/mariadb
DEV_LIBS = -lssh -lcjson -lmariadb -lmbedtls -lmbedx509 -lmbedcrypto \
	   -lssl -lcrypto -lz -lpthread -lm
ASAN_LIB_OBJ := $(patsubst %.c,build/asan/%.o,$(LIB_SRC))
ASAN_APPLET_OBJ := $(patsubst %.c,build/asan/%.o,$(APPLET_SRC))

CCAPSIM_SRC := $(sort $(wildcard tests/ccapsim/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/t_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))

all: modscan $(if $(CCAPSIM_SRC),ccapsim) man completion

# Installing packages is a root step of its own (make pkgs, .ci/run, and
# make check or make demo as root); builds only check, once, that the
# build's packages are there, and say in one line which are not.
pkgs:
	$(Q)sh contrib/install-deps.sh

INSTALL_IF_ROOT = if [ "$$(id -u)" = 0 ]; then sh contrib/install-deps.sh; fi
TOOLS_OK = build/.tools-ok
$(TOOLS_OK): contrib/install-deps.sh
	$(Q)sh contrib/install-deps.sh --check
	@mkdir -p $(@D) && touch $@

.PHONY: all pkgs dev check man completion deb check-unit check-asan chaos \
	demo fuzz bench bench-lease bench-report \
	bench-sweep bench-scrape bench-nodes bench-alerts bench-plantalert \
	bench-fleet clean \
	ccapsim unit FORCE

# Version, regenerated only when it changes.  Every object waits for it
# (order-only); only those that include it (version.c, by their -MMD
# dependencies) are rebuilt when it changes, not all of them per commit.
build/gen/build-version.h: FORCE
	@mkdir -p $(@D)
	@v=$$(git describe --tags --always --dirty 2>/dev/null || echo unknown); \
	d=$$(date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%d); \
	printf '#define MS_BUILD_VERSION "%s"\n#define MS_BUILD_DATE "%s"\n' \
		"$$v" "$$d" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(DEPS)/.done: | $(TOOLS_OK)
	$(Q)contrib/build-deps.sh $(DEPS)

build/static/%.o: %.c | build/gen/build-version.h $(DEPS)/.done
	@mkdir -p $(@D)
	$(call say,CC,$@)$(STATIC_CC) $(BASE_CFLAGS) $(CFLAGS) $(STATIC_INC) \
		-MMD -MP -c -o $@ $<

build/static/libms.a: $(STATIC_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

build/static/modscan: $(STATIC_APPLET_OBJ) build/static/libms.a
	$(call say,LINK,$@)$(STATIC_CC) -static -o $@ $(STATIC_MALLOC) \
		$(STATIC_APPLET_OBJ) build/static/libms.a $(STATIC_LIBS)

modscan: build/static/modscan
	$(Q)objcopy --strip-all $< $@.tmp && mv $@.tmp $@

build/asan/%.o: %.c | build/gen/build-version.h $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(DEV_CC) $(BASE_CFLAGS) -O1 $(SAN) $(CFLAGS) \
		$(DEV_INC) -MMD -MP -c -o $@ $<

build/asan/libms.a: $(ASAN_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

build/asan/modscan: $(ASAN_APPLET_OBJ) build/asan/libms.a
	$(call say,LINK,$@)$(DEV_CC) $(SAN) -o $@ $(ASAN_APPLET_OBJ) \
		build/asan/libms.a $(DEV_LIBS)

dev: build/asan/modscan

build/asan/tests/t_%: tests/unit/t_%.c tests/unit/harness.h build/asan/libms.a
	@mkdir -p $(@D)
	$(call say,CC,$@)$(DEV_CC) $(BASE_CFLAGS) -O1 $(SAN) $(CFLAGS) \
		$(DEV_INC) -iquote tests/unit -o $@ $< build/asan/libms.a \
		$(DEV_LIBS)

unit: $(UNIT_BIN)

# --- benchmarks (not in make check): optimised glibc build, no sanitizers ---
BENCH_LIB_OBJ := $(patsubst %.c,build/bench/%.o,$(LIB_SRC))

build/bench/%.o: %.c | build/gen/build-version.h $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) $(DEV_INC) \
		-MMD -MP -c -o $@ $<

build/bench/libms.a: $(BENCH_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

build/bench/ingest: tests/bench/ingest.c build/bench/libms.a
	$(call say,LINK,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) $(DEV_INC) \
		-o $@ $< build/bench/libms.a $(DEV_LIBS)

build/bench/lease: tests/bench/lease.c build/bench/libms.a
	$(call say,LINK,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) $(DEV_INC) \
		-o $@ $< build/bench/libms.a $(DEV_LIBS)

build/bench/nodes: tests/bench/nodes.c build/bench/libms.a
	$(call say,LINK,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) $(DEV_INC) \
		-o $@ $< build/bench/libms.a $(DEV_LIBS)

build/bench/plantalert: tests/bench/plantalert.c build/bench/libms.a
	$(call say,LINK,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) $(DEV_INC) \
		-o $@ $< build/bench/libms.a $(DEV_LIBS)

BENCH_APPLET_OBJ := $(patsubst %.c,build/bench/%.o,$(APPLET_SRC))

build/bench/modscan: $(BENCH_APPLET_OBJ) build/bench/libms.a
	$(call say,LINK,$@)$(DEV_CC) -o $@ $(BENCH_APPLET_OBJ) \
		build/bench/libms.a $(DEV_LIBS)

# The floor of a sweep: a minimal libssh client on modscan's own static
# libraries (tests/bench/sweep compares modscan with it).
build/static/floor: tests/bench/floor.c $(DEPS)/.done
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(STATIC_CC) $(BASE_CFLAGS) $(CFLAGS) $(STATIC_INC) \
		-static -o $@ $(STATIC_MALLOC) $< $(STATIC_LIBS)

bench: all dev build/bench/ingest build/bench/modscan build/static/floor \
	build/bench/nodes build/bench/lease build/bench/plantalert
	$(Q)build/bench/nodes
	$(Q)build/bench/plantalert
	$(Q)tests/bench/nodehist
	$(Q)tests/bench/ingest
	$(Q)tests/bench/sweep
	$(Q)tests/bench/report
	$(Q)tests/bench/scrape
	$(Q)tests/bench/lease
	$(Q)tests/bench/alerts
	$(Q)tests/bench/fleet

bench-lease: dev build/bench/lease
	$(Q)tests/bench/lease

bench-report: dev build/bench/modscan
	$(Q)tests/bench/report

bench-sweep: all build/static/floor
	$(Q)tests/bench/sweep

bench-scrape: all
	$(Q)tests/bench/scrape

bench-alerts: all unit
	$(Q)tests/bench/alerts

bench-plantalert: build/bench/plantalert
	$(Q)build/bench/plantalert

bench-fleet: all
	$(Q)tests/bench/fleet

bench-nodes: build/bench/nodes build/bench/modscan
	$(Q)build/bench/nodes
	$(Q)tests/bench/nodehist

# --- man pages and bash completion, from the --help tables, conf.def and
# drv.def ---
build/gen/confman: contrib/man/confman.c lib/conf.def
	@mkdir -p $(@D)
	$(call say,CC,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

build/man/.done: modscan build/gen/confman contrib/man/mkman.sh \
		 contrib/man/help2man.awk
	$(call say,GEN,build/man)contrib/man/mkman.sh ./modscan \
		build/gen/confman build/man && touch $@

man: build/man/.done

build/modscan.bash: modscan contrib/completion/mkcompletion.sh lib/drv.def \
		    lib/conf.def
	$(call say,GEN,$@)contrib/completion/mkcompletion.sh ./modscan . \
		>$@.tmp && mv $@.tmp $@

completion: build/modscan.bash

# --- the Debian package ---
deb: modscan man completion
	$(Q)mkdir -p build/deb && rm -f build/deb/modscan_*.deb
	$(call say,DEB,build/deb)contrib/deb/build.sh ./modscan build/man \
		build/modscan.bash build/deb

# --- test tools (not shipped) ---
ccapsim: tests/ccapsim/ccapsim

tests/ccapsim/ccapsim: $(CCAPSIM_SRC) $(wildcard tests/ccapsim/*.h) | $(TOOLS_OK)
	$(call say,LINK,$@)$(DEV_CC) $(BASE_CFLAGS) $(CFLAGS) \
		-iquote tests/ccapsim -o $@ $(CCAPSIM_SRC) -lssh -lcrypto -lpthread -lm

# --- tests ---
check:
	$(Q)$(INSTALL_IF_ROOT)
	$(Q)$(MAKE) --no-print-directory all dev unit
	$(Q)tests/run.sh

# The chaos suite in full: kill -9s, database and disk faults, HTTP abuse,
# hostile names, core dumps, 10 minutes of each fuzzer (tests/chaos).
chaos:
	$(Q)$(INSTALL_IF_ROOT)
	$(Q)$(MAKE) --no-print-directory all dev unit
	$(Q)tests/chaos/run.sh

check-unit: unit
	$(Q)tests/run.sh --unit

check-asan: dev unit
	$(Q)tests/run.sh --asan-only

demo:
	$(Q)$(INSTALL_IF_ROOT)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/demo.sh

# --- fuzzing: libFuzzer targets for the device-text layer (clang) ---
# Only the pure modules are linked; `make fuzz` runs each for FUZZ_TIME
# seconds, tests/fuzz/smoke.sh (from tests/run.sh) for a few.
FUZZ_CC = clang
# clang counts vprintf wrappers (ms_buf_vprintf) under -Wformat=2.
FUZZ_CFLAGS = $(BASE_CFLAGS) -O1 -Wno-format-nonliteral
FUZZ_TIME ?= 300
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRC := lib/buf.c lib/err.c lib/num.c lib/sample.c lib/modmap.c \
	lib/cli.c lib/parse.c $(wildcard lib/parse_*.c) lib/drv.c \
	$(wildcard lib/drv_*.c)
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/%.o,$(FUZZ_LIB_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,\
	$(sort $(wildcard tests/fuzz/fuzz_*.c)))

build/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJ)
	$(call say,LINK,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) \
		-o $@ $< $(FUZZ_LIB_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	$(Q)tests/fuzz/smoke.sh $(FUZZ_TIME)

.PHONY: fuzz-build

clean:
	rm -rf build modscan tests/ccapsim/ccapsim

-include $(wildcard build/*/lib/*.d build/*/applets/*.d)
