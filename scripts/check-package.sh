#!/usr/bin/env bash
# Checks the package as a user gets it: packs it (prepack builds), installs the tarball into fresh CommonJS and ESM
# apps with the README's install line, type-checks the README quick start with strict settings and full library
# checks, bundles it with esbuild (no flags beyond --bundle --platform=node) and invokes the bundle with upstream
# Datadog headers. Also runs arethetypeswrong on the tarball. Needs the npm registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "== pack"
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/effect-datadog-lambda-*.tgz)"

echo "== arethetypeswrong"
(cd "$root" && npx --no-install attw "$tarball" --profile node16 --format table-flipped)

# The install line the README gives (see "Install").
install_line="$(sed -n 's/^npm install effect-datadog-lambda \(.*\)$/\1/p' "$root/README.md" | head -n 1)"
[ -n "$install_line" ] || { echo "README has no 'npm install effect-datadog-lambda ...' line"; exit 1; }
# The quick start: the first ts block after the "## Quick start" heading.
quick_start="$(awk '/^## Quick start/{q=1} q&&/^```ts$/{c=1;next} c&&/^```$/{exit} c{print}' "$root/README.md")"

for kind in commonjs module; do
  app="$work/app-$kind"
  mkdir -p "$app"
  cd "$app"
  printf '{ "name": "app-%s", "private": true, "type": "%s" }\n' "$kind" "$kind" > package.json
  echo "== $kind app: npm install <tarball> $install_line typescript esbuild"
  # shellcheck disable=SC2086
  npm install --silent "$tarball" $install_line typescript esbuild
  printf '%s\n' "$quick_start" > handler.ts
  echo "== $kind app: tsc --strict --module nodenext --skipLibCheck false"
  npx --no-install tsc --strict --module nodenext --skipLibCheck false --noEmit handler.ts
  echo "== $kind app: esbuild --bundle --platform=node"
  npx --no-install esbuild handler.ts --bundle --platform=node --log-level=warning --outfile=bundle.cjs
done

echo "== invoke the bundle with upstream Datadog headers"
cd "$work/app-module"
node - <<'JS'
const assert = require("node:assert/strict")
const { handler } = require("./bundle.cjs")
const event = {
  resource: "/orders", path: "/orders", httpMethod: "POST",
  headers: { "x-datadog-trace-id": "1234567890123456789", "x-datadog-parent-id": "987654321987654321",
    "x-datadog-sampling-priority": "2" },
  requestContext: { stage: "prod", requestId: "r-1" }, body: null
}
const context = { functionName: "my-fn", awsRequestId: "8f5b2c1e", getRemainingTimeInMillis: () => 30000 }
handler(event, context).then((response) => {
  const body = JSON.parse(response.body)
  assert.equal(body.from, "http")
  assert.equal(BigInt("0x" + body.traceId.slice(-16)).toString(), "1234567890123456789")
  console.log("bundled handler ran under the upstream trace:", body.traceId)
})
JS
echo "== package check passed"
