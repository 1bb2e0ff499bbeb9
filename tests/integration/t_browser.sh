#!/bin/bash
# t_browser.sh: the web UI in a real browser. Starts the daemon and the demo target on
# loopback, makes an engineer's and a customer's token with the CLI, and runs
# tests/browser/e2e.mjs (Debian's chromium through playwright-core from npm): sign in, the
# dashboard turning CRITICAL by itself, an incident acknowledged with the keyboard, status
# pages of one's own, of another customer (404) and a public one. Screenshots of each step go
# to $SW_ARTIFACTS (default: the build directory's browser-artifacts/). Skipped (77) only when
# chromium is not there and cannot be installed.
. "$(dirname "$0")/lib.sh"
CHROMIUM=${SW_CHROMIUM:-/usr/bin/chromium}
BROWSER_DIR="$SW_SRC/tests/browser"
ART=${SW_ARTIFACTS:-$(cd "$(dirname "$STACKWARD")" && pwd)/browser-artifacts}

# apt_install PACKAGE...: as root, what scripts/deps would have installed
apt_install() {
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || return 1
    echo "t_browser: installing $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
        { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; }
}

if [ ! -x "$CHROMIUM" ] && ! apt_install chromium; then
    {
        echo "########################################################################"
        echo "# SKIPPED: t_browser needs Debian's chromium at $CHROMIUM and it could"
        echo "# not be installed (apt-get install chromium failed or not root)."
        echo "# The web UI was NOT tested in a browser."
        echo "########################################################################"
    } >&2
    exit 77
fi
[ -x "$CHROMIUM" ] || { echo "t_browser: $CHROMIUM is still missing after installing chromium" >&2; exit 1; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm || true
fi
command -v node >/dev/null || { echo "t_browser: no node (Debian package nodejs)" >&2; exit 1; }
if [ "$(node -e 'console.log(+process.versions.node.split(".")[0] >= 18)')" != true ]; then
    echo "t_browser: node $(node --version) is too old: playwright-core needs 18 or newer" >&2
    exit 1
fi
if [ ! -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]; then
    command -v npm >/dev/null || { echo "t_browser: no npm (Debian package npm)" >&2; exit 1; }
    echo "t_browser: npm ci in $BROWSER_DIR" >&2
    (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund >&2) ||
        { echo "t_browser: npm ci failed: playwright-core could not be installed" >&2; exit 1; }
fi

start_target
cat >"$T/sw.yaml" <<YAML
database: $T/sw.db
defaults: {interval: 2s, retry_interval: 1s, timeout: 3s}
engineers:
  - {id: dana, name: Dana Example}
customers:
  - id: acme
    name: ACME Corporation
    deployments:
      - id: fra1
        services:
          # one result makes it CRITICAL, and so opens an incident at once
          - {id: api, name: Public API, checks: [{id: push, type: passive, max_attempts: 1}]}
  - id: globex
    name: Globex
    deployments:
      - id: ams
        services: [{id: web, checks: [{id: push, type: passive}]}]
  - id: initech
    name: Initech
    status_page: {public: true}
    deployments:
      - id: ber
        services:
          - id: portal
            name: Customer portal
            checks: [{id: healthy, type: http, url: "http://127.0.0.1:$TPORT/healthy"}]
YAML
tok() { "$STACKWARD" token create -c "$T/sw.yaml" "$@"; }
ENG_TOKEN=$(tok --name dana --role engineer)
CUST_TOKEN=$(tok --name acme-portal --role customer --customer acme)
assert_match "engineer token" '^swt_[0-9a-f]{48}$' "$ENG_TOKEN"
assert_match "customer token" '^swt_[0-9a-f]{48}$' "$CUST_TOKEN"
start_daemon "$T/sw.yaml"

mkdir -p "$ART"
echo "t_browser: screenshots go to $ART" >&2
rc=0
SW_BASE="$API" SW_CHROMIUM="$CHROMIUM" SW_ARTIFACTS="$ART" \
    SW_ENGINEER_TOKEN="$ENG_TOKEN" SW_ENGINEER_NAME=dana \
    SW_CUSTOMER_TOKEN="$CUST_TOKEN" SW_CUSTOMER=acme SW_CUSTOMER_TITLE="ACME Corporation" \
    SW_OTHER_CUSTOMER=globex SW_PUBLIC_CUSTOMER=initech SW_PUBLIC_TITLE=Initech \
    SW_PUBLIC_COMPONENT="Customer portal" SW_PASSIVE_CHECK=acme/fra1/api/push \
    SW_PASSIVE_COMPONENT="Public API" SW_INCIDENT=INC-1 \
    timeout 120 node "$BROWSER_DIR/e2e.mjs" || rc=$?
assert_eq "e2e.mjs exit status" 0 "$rc"
stop_daemon
echo "t_browser: screenshots in $ART" >&2
finish
