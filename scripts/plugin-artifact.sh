#!/usr/bin/env bash
# The release artifact of the provider plugin for people who do not use npm:
#   OUT_DIR/pulumi-resource-alicloud-ims-callback-v<version>-linux-amd64.tar.gz
# holding, at its root, the launcher `pulumi-resource-alicloud-ims-callback`, dist/, schema.json,
# package.json and the production node_modules (@pulumi/pulumi and @pulumi/alicloud included). The
# user's Node.js (20 or later) runs it; no Node.js is bundled. Install with
#   pulumi plugin install resource alicloud-ims-callback <version> --file <tarball>
# The engine unpacks the archive into its plugin directory and starts the launcher from there.
#
# Usage: scripts/plugin-artifact.sh OUT_DIR   (npm run plugin:pack builds dist/ first and writes
# plugin-dist/). Prints the archive's path on the last line of stdout. The dependencies come from
# the npm cache when it has them (--prefer-offline), so a machine that ran `npm ci` needs no network.
set -euo pipefail

out_dir=${1:?usage: scripts/plugin-artifact.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/package.json').version")
name=pulumi-resource-alicloud-ims-callback
archive="$name-v$version-linux-amd64.tar.gz"

test -f "$root/dist/plugin/main.js" || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The package as npm would publish it (package.json "files"), without running its prepack again.
(cd "$root" && npm pack --ignore-scripts --pack-destination "$stage" >/dev/null)
mkdir "$stage/plugin"
tar -xzf "$stage"/pulumi-alicloud-ims-callback-"$version".tgz -C "$stage/plugin" --strip-components=1
cp "$root/bin/$name" "$stage/plugin/$name"
chmod +x "$stage/plugin/$name"

# Production dependencies and the two peers the plugin loads, at the versions this checkout pins.
pulumi_version=$(node -p "require('$root/node_modules/@pulumi/pulumi/package.json').version")
alicloud_version=$(node -p "require('$root/node_modules/@pulumi/alicloud/package.json').version")
(
  cd "$stage/plugin"
  node -e '
    const fs = require("node:fs");
    const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
    manifest.dependencies = {
      ...manifest.dependencies,
      "@pulumi/pulumi": process.argv[1],
      "@pulumi/alicloud": process.argv[2],
    };
    delete manifest.peerDependencies;
    delete manifest.peerDependenciesMeta;
    delete manifest.devDependencies;
    delete manifest.scripts;
    fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2) + "\n");
  ' "$pulumi_version" "$alicloud_version"
  npm install --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2
  rm -f package-lock.json
)

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
tar -czf "$out_dir/$archive" -C "$stage/plugin" .
echo "$out_dir/$archive"
