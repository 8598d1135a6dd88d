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
# The Effect 4 entry, as the Effect 4 line's Contract says: an empty folder, `npm install <tarball> effect@4
# typescript tsx` with no flags, a file that extracts an API Gateway event's Datadog headers with the native default
# chain, type-checked with strict settings and full library checks, then run. Then the README's Effect 4 quick
# start (the first ts block after "## Effect 4"), type-checked and invoked.
app="$work/app-effect4"
mkdir -p "$app"
cd "$app"
echo "== effect 4 app: npm install <tarball> effect@4 typescript tsx"
npm install --silent "$tarball" effect@4 typescript tsx
cat > contract.ts <<'TS'
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { DefaultChain, ExtractorChain } from "effect-datadog-lambda/effect4"

const event = {
  resource: "/", path: "/", httpMethod: "GET",
  headers: { "x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678" },
  requestContext: { requestId: "r-1", stage: "prod" }
}
const context = { awsRequestId: "r-1", functionName: "fn", getRemainingTimeInMillis: () => 30_000 }

Effect.runPromise(Effect.provide(ExtractorChain.extract(event, context), DefaultChain.layerNative)).then((result) => {
  const found = Option.getOrThrow(result.context)
  if (found.traceId !== "1234" || found.parentId !== "5678") throw new Error(`got ${found.traceId}/${found.parentId}`)
  console.log("effect 4 chain found the upstream context:", found.traceId, found.parentId, "from", found.source)
})
TS
echo "== effect 4 app: tsc --strict --module nodenext --skipLibCheck false"
npx --no-install tsc --strict --module nodenext --skipLibCheck false --noEmit contract.ts
npx --no-install tsx contract.ts
quick_start4="$(awk '/^## Effect 4/{q=1} q&&/^```ts$/{c=1;next} c&&/^```$/{exit} c{print}' "$root/README.md")"
[ -n "$quick_start4" ] || { echo "README has no Effect 4 quick start"; exit 1; }
printf '%s\n' "$quick_start4" > handler.ts
npx --no-install tsc --strict --module nodenext --skipLibCheck false --noEmit handler.ts
cat > invoke.ts <<'TS'
import { handler } from "./handler.js"

const event = {
  resource: "/orders", path: "/orders", httpMethod: "POST",
  headers: { "x-datadog-trace-id": "1234567890123456789", "x-datadog-parent-id": "987654321987654321" },
  requestContext: { stage: "prod", requestId: "r-1" }, body: null
}
const context = { functionName: "my-fn", awsRequestId: "8f5b2c1e", getRemainingTimeInMillis: () => 30000 }
handler(event, context).then((response) => {
  const body = JSON.parse(response.body)
  if (body.from !== "http" || BigInt("0x" + body.traceId.slice(-16)).toString() !== "1234567890123456789") {
    throw new Error(`the handler did not run under the upstream trace: ${response.body}`)
  }
  console.log("effect 4 handler ran under the upstream trace:", body.traceId)
})
TS
npx --no-install tsx invoke.ts
echo "== package check passed"
