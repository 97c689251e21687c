# netcheck — see README.md.
#   make demo    build, then check the book's solution of $(DEMO) inside a private sandbox
#   make test    install what the tests need, build, run every test (root: the tests build namespaces)
#   make build   debug build;  make release   optimized build

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
DEMO ?= chapter7-dnat
# Debian packages: libraries netcheck links; tools its tests and solutions use (tcpdump: only to compare
# evidence lines; iptables, nftables, dnsmasq, dhclient: the book's NAT and DHCP solutions; nft also reads NAT rules;
# python3-jsonschema: reports validated against docs/report.schema.json).
DEB_PACKAGES = libpcap-dev libjson-c-dev iproute2 util-linux procps tcpdump iptables nftables dnsmasq-base isc-dhcp-client python3-jsonschema
BIN = .build/debug/netcheck

.PHONY: all deps build release demo test clean

all: build

# Installs only what is missing, so a prepared machine does not touch the network.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: build
	$(BIN) demo $(DEMO) --format text

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
