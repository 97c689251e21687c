# netcheck — see README.md.
#   make demo    build, then check the book's solution of $(DEMO) inside a private sandbox
#   make test    install what the tests need, build, run every test (root: the tests build namespaces)
#   make build   debug build;  make release   optimized build
#   make bench   timings of the release binary in a private sandbox (a table, not a test; see README "Performance")
#   make install PREFIX=/usr/local [DESTDIR=…]   binary, exercises, message catalogues, completions, man page;  make uninstall
#   make deb     dist/netcheck_VERSION_ARCH.deb (no Swift needed where it is installed);  make deb-test   install it
#                into a fresh Debian root (debootstrap, cached in .build-deb/), run it there, purge it;  make deb-lint
#   make fuzz [FUZZ_SECONDS=30]   libFuzzer+ASan builds of Fuzz/*, each run for FUZZ_SECONDS on a copy of Fuzz/corpus
#   make hostile  only the hostile-input suites (README "Untrusted input")

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
DEMO ?= chapter7-dnat
# Debian packages: libraries netcheck links; tools its tests and solutions use (tcpdump: only to compare
# evidence lines; iptables, nftables, dnsmasq, dhclient: the book's NAT and DHCP solutions; nft and iptables-legacy-save also read NAT rules and forward chains;
# python3-jsonschema: reports validated against docs/report.schema.json; ping and curl: the book's transcripts, replayed by the tests;
# chromium and netpbm: grade's class.html shown by a headless browser and its screenshot read, ClassPageBrowserTests).
DEB_PACKAGES = libpcap-dev libjson-c-dev iproute2 util-linux procps tcpdump iptables nftables dnsmasq-base isc-dhcp-client python3-jsonschema netcat-openbsd iputils-ping curl chromium netpbm
# What `make bench` uses besides those (ping is already there): GNU time (peak RSS), jq (the bash comparison).
BENCH_PACKAGES = time jq python3
BIN = .build/debug/netcheck
RELEASE_BIN ?= .build/release/netcheck
# Release builds carry the Swift runtime inside the binary (--static-swift-stdlib links libswiftCore, the rest of
# the runtime, Dispatch and the FoundationEssentials argument-parser imports from swift_static/*.a): a machine
# without a Swift toolchain runs it, and only libc, libm, libstdc++, libgcc_s, libpcap and libjson-c stay dynamic
# (packaging/deb/build.sh refuses a binary that needs more). --disable-local-rpath: no RUNPATH $ORIGIN, nothing is
# loaded from beside the binary.
RELEASE_FLAGS = -c release --static-swift-stdlib --disable-local-rpath
# What `make deb` needs besides the build's packages (dpkg-shlibdeps: the Depends of the libraries; readelf, nm,
# strip), and what `make deb-test` (debootstrap; unshare, mount) and `make deb-lint` need.
DEB_BUILD_PACKAGES = dpkg-dev binutils
DEB_TEST_PACKAGES = debootstrap util-linux
DEB_LINT_PACKAGES = lintian

PREFIX ?= /usr/local
DESTDIR ?=
SHARE = $(DESTDIR)$(PREFIX)/share

.PHONY: all deps bench-deps build release demo test hostile fixtures bench clean install uninstall fuzz fuzz-build fuzz-ci

all: build

# Installs those of the Debian packages $(1) that are missing (only those: a prepared machine does not touch the
# network). One shell command, for a recipe line.
install_missing = missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps:
	@$(call install_missing,$(DEB_PACKAGES))

bench-deps:
	@$(call install_missing,$(BENCH_PACKAGES))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product netcheck

# The man page, written by argument-parser's generate-manual tool from the release binary. Not through its
# GenerateManual plugin (`swift package generate-manual`): the plugin builds every product in release without
# --static-swift-stdlib, which recompiles every module and leaves a dynamically linked .build/release/netcheck
# behind. The tool is the one the plugin runs; the page is the same. MAN_DATE: the date of
# the last commit, so that the page does not change from one day to the next.
MAN_DIR = .build/man
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
.PHONY: man install-files
man: release
	$(SWIFT) build $(RELEASE_FLAGS) --product generate-manual
	rm -rf $(MAN_DIR) && mkdir -p $(MAN_DIR)
	.build/release/generate-manual $(RELEASE_BIN) --date $(MAN_DATE) --output-directory $(MAN_DIR)

demo: build
	$(BIN) demo $(DEMO) --format text

# Prints a table of timings (each exercise, netcheck against bash, generated exercises up to 128 namespaces,
# the performance targets). Root; everything runs in one private sandbox. RUNS, BASH_RUNS, SCALE_NS, SCALE_RUNS tune it.
bench: release bench-deps
	bash bench/bench.sh $(RELEASE_BIN)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) fuzz-ci

# The recorded runs the verdict tests replay without root (Tests/GradingTests/Fixtures/runs): re-record after a
# change to what a run records, then commit them.
fixtures: build
	bash Tests/GradingTests/Fixtures/capture.sh

# The hostile-input suites alone (README "Untrusted input"); `make test` runs them too.
hostile: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter Hostile

# Fuzzing (README "Fuzzing"): every reader of untrusted bytes (frames, ICMP datagrams, rtnetlink messages, exercise
# files) under libFuzzer with AddressSanitizer. Each fuzzer starts from a temporary copy of its seed corpus (the
# committed one never grows) and fails the target on the first crash, trap, leak or hang (-timeout per input),
# leaving the input in $(FUZZ_SCRATCH)/artifacts/ and libFuzzer's log in $(FUZZ_SCRATCH)/logs/. SWIFT_BACKTRACE=enable=no:
# a Swift trap goes straight to libFuzzer's handler (the Swift backtracer reads the stack in ways ASan reports).
# Fuzz/lsan.supp: the one-time construction of Swift globals is not a leak (the file says why LSan thinks it is).
FUZZERS = FrameFuzzer NetlinkFuzzer ExerciseFuzzer
FUZZ_SECONDS ?= 30
FUZZ_SCRATCH ?= .build-fuzz
FUZZ_BUILD = $(SWIFT) build -c debug --scratch-path $(FUZZ_SCRATCH) -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING

# The sanitizer link prints hundreds of harmless ld.gold "Cannot export local symbol '__asan_…'" warnings: the
# build's output goes to $(FUZZ_SCRATCH)/logs/build-<fuzzer>.log, and is shown only when the build fails.
fuzz-build: deps
	@mkdir -p $(FUZZ_SCRATCH)/logs; for f in $(FUZZERS); do \
	  log=$(FUZZ_SCRATCH)/logs/build-$$f.log; \
	  if $(FUZZ_BUILD) --product $$f >"$$log" 2>&1; then tail -n 1 "$$log"; \
	  else grep -v 'Cannot export local symbol' "$$log"; exit 1; fi; \
	done

fuzz: fuzz-build
	@work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	mkdir -p $(FUZZ_SCRATCH)/artifacts $(FUZZ_SCRATCH)/logs; status=0; \
	for f in $(FUZZERS); do \
	  mkdir -p "$$work/$$f"; cp Fuzz/corpus/$$f/* "$$work/$$f/"; \
	  dict=""; [ -f Fuzz/$$f.dict ] && dict="-dict=Fuzz/$$f.dict"; \
	  log=$(FUZZ_SCRATCH)/logs/$$f.log; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	  if SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp $(FUZZ_SCRATCH)/debug/$$f "$$work/$$f" $$dict -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(FUZZ_SCRATCH)/artifacts/$$f- >"$$log" 2>&1; then \
	    grep -E 'DONE' "$$log" | tail -1; \
	  else \
	    tail -n 60 "$$log"; status=1; \
	    echo "fuzz: $$f FAILED; the input is in $(FUZZ_SCRATCH)/artifacts/ (replay: LSAN_OPTIONS=suppressions=Fuzz/lsan.supp $(FUZZ_SCRATCH)/debug/$$f FILE)"; \
	  fi; \
	done; exit $$status

# The bounded run `make test` ends with.
fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=20

# The release binary, the exercises, solutions and message catalogues (found by the binary in ../share/netcheck),
# shell completions from argument-parser, and the man page from its generate-manual tool. install-files copies what
# `release` and `man` built: `make deb` stages the package with it (PREFIX=/usr, zsh's vendor-completions folder).
ZSH_COMPLETIONS ?= $(SHARE)/zsh/site-functions
install: release man
	$(MAKE) install-files

install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/netcheck/Exercises $(SHARE)/netcheck/Solutions $(SHARE)/netcheck/Messages \
	  $(SHARE)/man/man1 $(SHARE)/bash-completion/completions $(ZSH_COMPLETIONS) $(SHARE)/fish/vendor_completions.d
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/netcheck
	install -m 644 Exercises/*.json $(SHARE)/netcheck/Exercises/
	install -m 644 Messages/*.json $(SHARE)/netcheck/Messages/
	install -m 755 Solutions/*.sh Solutions/*.py $(SHARE)/netcheck/Solutions/
	chmod 644 $(SHARE)/netcheck/Solutions/wait-for-port.sh   # sourced by the solutions, never run
	install -m 644 $(MAN_DIR)/netcheck.1 $(SHARE)/man/man1/netcheck.1
	$(RELEASE_BIN) --generate-completion-script bash > $(SHARE)/bash-completion/completions/netcheck
	$(RELEASE_BIN) --generate-completion-script zsh > $(ZSH_COMPLETIONS)/_netcheck
	$(RELEASE_BIN) --generate-completion-script fish > $(SHARE)/fish/vendor_completions.d/netcheck.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/netcheck $(SHARE)/man/man1/netcheck.1 $(SHARE)/bash-completion/completions/netcheck \
	  $(ZSH_COMPLETIONS)/_netcheck $(SHARE)/fish/vendor_completions.d/netcheck.fish
	rm -rf $(SHARE)/netcheck

# The Debian package (README "Install from the .deb"): packaging/deb/build.sh stages `install-files` with
# PREFIX=/usr, strips the binary, writes the control file (packaging/deb/control.in says what each dependency is
# for) and builds dist/netcheck_VERSION_ARCH.deb with dpkg-deb; VERSION is what the binary's --version prints.
.PHONY: deb deb-deps deb-test deb-lint
deb: release man deb-deps
	bash packaging/deb/build.sh $(RELEASE_BIN) $(MAN_DIR) dist

deb-deps:
	@$(call install_missing,$(DEB_BUILD_PACKAGES))

# Installs the newest dist/netcheck_*.deb (run `make deb` first) into a fresh Debian root made with debootstrap
# (cached in .build-deb/roots), runs it there and purges it (packaging/deb/chroot-test.sh). Root. The root is the
# host's release (/etc/os-release) from the mirror the host's apt uses; DEB_SUITE=… DEB_MIRROR=… choose others.
DEB_SUITE ?=
deb-test:
	@$(call install_missing,$(DEB_TEST_PACKAGES))
	bash packaging/deb/chroot-test.sh $(if $(DEB_SUITE),--suite $(DEB_SUITE)) "$$(ls -t dist/netcheck_*_$$(dpkg --print-architecture).deb 2>/dev/null | head -n 1)"

# lintian on the newest dist/netcheck_*.deb: fails on errors and warnings, shows the informational tags (those
# left are spelling guesses in the strings of the statically linked runtime).
deb-lint:
	@$(call install_missing,$(DEB_LINT_PACKAGES))
	lintian --fail-on error,warning --display-info "$$(ls -t dist/netcheck_*_$$(dpkg --print-architecture).deb | head -n 1)"

clean:
	rm -rf .build dist
