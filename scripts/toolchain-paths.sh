# Sourced by scripts/pulumi-cli.sh and scripts/alicloud-plugin.sh: where the toolchain cache and the
# tool sources are. Sets CACHE_ROOT, PROJECT_DIR and TOOLS_DIR.
#   IMS_CALLBACK_CACHE  the cache, shared by every checkout (copies only, never links into one)
#   IMS_CALLBACK_TOOLS  the tool sources (default ../shared/tools beside the checkout)
CACHE_ROOT="${IMS_CALLBACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-ims-callback}"
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The workplace keeps the tool sources beside the checkout; /work/shared/tools is the same folder
# for a checkout made elsewhere on the build machines.
TOOLS_DIR="${IMS_CALLBACK_TOOLS:-$PROJECT_DIR/../shared/tools}"
if [[ -z "${IMS_CALLBACK_TOOLS:-}" && ! -d "$TOOLS_DIR" && -d /work/shared/tools ]]; then
  TOOLS_DIR=/work/shared/tools
fi
