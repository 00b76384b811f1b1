#!/usr/bin/env bash
# Build the JupyterLab extension (extension/) into runic/labextension/ when its sources
# changed since the last build. Needs node and the venv's jupyterlab (jlpm, jupyter-builder);
# the only network access is the npm registry, on the first install.
#
#   .ci/build-extension.sh [--force] [--link]
#     --force  rebuild even when the sources are unchanged
#     --link   also link the build into the venv's share/jupyter/labextensions/runic-lab
#              (what an editable install needs; a regular `pip install` copies it there)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$(cd "${VENV:-$ROOT/.venv}" && pwd)
OUT=$ROOT/runic/labextension
STAMP=$OUT/.source-hash
force=0; link=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --link) link=1 ;;
    *) echo "unknown option $arg (use --force, --link)" >&2; exit 2 ;;
  esac
done

hash_sources() {
  (cd extension && find package.json tsconfig.json yarn.lock install.json src schema style -type f -print0 \
    | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

export PATH="$VENV/bin:$PATH"
want=$(hash_sources)
if [[ $force == 1 || ! -f $STAMP || "$(cat "$STAMP")" != "$want" || ! -f $OUT/package.json ]]; then
  command -v node >/dev/null || { echo "node is required to build the JupyterLab extension (apt-get install nodejs)" >&2; exit 1; }
  start=$(date +%s)
  rm -rf "$OUT"
  (cd extension && jlpm install && jlpm build)
  cp extension/install.json "$OUT/install.json"
  hash_sources > "$STAMP"  # after the install, which may have written yarn.lock
  echo "runic-lab extension built in $(( $(date +%s) - start ))s -> runic/labextension"
else
  echo "runic-lab extension is up to date"
fi

if [[ $link == 1 ]]; then
  dest=$VENV/share/jupyter/labextensions/runic-lab
  mkdir -p "$(dirname "$dest")"
  if [[ -d $dest && ! -L $dest ]]; then
    # a copy an (editable) pip install made: replace it, the link follows later rebuilds
    grep -q '"packageName": "runic"' "$dest/install.json" 2>/dev/null \
      || { echo "$dest is not runic's; leaving it" >&2; exit 1; }
    rm -rf "$dest"
  fi
  ln -sfn "$OUT" "$dest"
  echo "linked $dest -> runic/labextension"
fi
