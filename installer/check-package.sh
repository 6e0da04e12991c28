#!/usr/bin/env bash
# CI check of the Linux packages, run by .ci/run after the tests: packs the already built tree
# (no rebuild), installs the .deb, and checks the installed app from its installed paths.
#
#   installer/check-package.sh [BUILD_DIR]      (default: build, the test preset's build folder)
#
# 1. cpack -G "DEB;TGZ" in BUILD_DIR; the .deb's Depends and file list are checked.
# 2. The .deb is installed:
#      system mode (CI, as root or with password-less sudo): apt-get install ./tern_*.deb, so its
#        dependencies are resolved by apt; prefix /usr;
#      unpack mode (elsewhere, or TERN_CHECK_MODE=unpack): dpkg-deb -x into a temporary root, run
#        from there; the dependencies must already be installed (they are on a build machine).
# 3. From the installed paths: `tern --version`, `tern-cli --version`; `tern-cli generate` on the
#    bundled model prints text; `tern --self-test` (offscreen, temporary data folder) exits 0 and used
#    the installed share/tern; `tern` opens its window offscreen (the QML modules load) and saves a
#    picture of it; desktop-file-validate and appstreamcli validate pass.
# 4. The .tar.gz, unpacked anywhere, runs `tern --self-test` on its own share/tern (relocatable).
# 5. System mode: chats and models are made in a temporary home's default data folder, the package
#    is removed (dpkg -r), and the program files must be gone while that data folder is intact.
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-build}" && pwd)"
start=$SECONDS
work="$(mktemp -d)"
installed_by_us=0
SUDO=""
cleanup() {
  if [ "$installed_by_us" = 1 ]; then $SUDO dpkg -r tern > /dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-package: FAIL: $*" >&2; exit 1; }
step() { echo "check-package: $*"; }

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
cpack_value() { sed -n "s/^set(CPACK_$1 \"\(.*\)\")$/\1/p" "$build/CPackConfig.cmake"; }
[ -f "$build/CPackConfig.cmake" ] || fail "$build is not a configured build folder (no CPackConfig.cmake)"
app_id="$(cache_value TERN_APP_ID)"
version="$(cpack_value PACKAGE_VERSION)"
tgz_name="$(cpack_value PACKAGE_FILE_NAME)"
arch="$(dpkg --print-architecture)"
deb="$build/tern_${version}_${arch}.deb"
tgz="$build/$tgz_name.tar.gz"
model_file="tern-tiny-moe-tq2_0.gguf"

# ---- 1. build the packages from the built tree
step "packing $version ($app_id) in $build"
rm -f "$deb" "$tgz"
(cd "$build" && cpack -G "DEB;TGZ" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
[ -f "$deb" ] || fail "no $deb"
[ -f "$tgz" ] || fail "no $tgz"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "  Depends: $depends"
echo "  Recommends: $(dpkg-deb -f "$deb" Recommends)"
# (Ubuntu 24.04 renamed some libraries with a t64 suffix; dpkg-shlibdeps writes the local names.)
for dep in libqt6core6 libqt6quick6 libcurl4 libvulkan1 libsqlite3-0 libqt6sql6-sqlite qt6-qpa-plugins \
           qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-dialogs \
           qml6-module-qtquick-templates qml6-module-qtcharts; do
  grep -Eq "(^|, )$dep(t64)?( |,|$)" <<< "$depends" || fail "the .deb does not depend on $dep"
done
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/files"
for f in /usr/bin/tern /usr/bin/tern-cli "/usr/share/tern/models/$model_file" /usr/share/tern/catalog.json \
         "/usr/share/applications/$app_id.desktop" "/usr/share/metainfo/$app_id.metainfo.xml" \
         "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"; do
  grep -qx "$f" "$work/files" || fail "the .deb lacks $f"
done
for size in 16 22 24 32 48 64 128 256 512; do
  grep -qx "/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png" "$work/files" || fail "no ${size}px icon"
done
echo "  $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, $(grep -vc '/$' "$work/files") files"

# ---- 2. install it
mode="${TERN_CHECK_MODE:-}"
if [ -z "$mode" ]; then
  mode=unpack
  if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then
    if [ "$(id -u)" = 0 ]; then mode=system
    elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then mode=system; fi
  fi
fi
if [ "$mode" = system ]; then
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  if dpkg-query -W -f='${Status}' tern 2> /dev/null | grep -q "ok installed"; then
    fail "a tern package is already installed here; refusing to replace it (use TERN_CHECK_MODE=unpack)"
  fi
  step "installing with apt-get (system mode)"
  installed_by_us=1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$deb" \
    > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install $deb"; }
  prefix=/usr
else
  step "unpacking into a temporary root (unpack mode)"
  dpkg-deb -x "$deb" "$work/root"
  prefix="$work/root/usr"
  missing=""
  for dep in $(sed 's/([^)]*)//g; s/|[^,]*//g; s/,/ /g' <<< "$depends"); do
    dpkg-query -W -f='${Status}' "$dep" 2> /dev/null | grep -q "ok installed" || missing="$missing $dep"
  done
  [ -z "$missing" ] || echo "  note: not installed on this machine (apt would add them):$missing"
fi

# ---- 3. the installed app
export QT_QPA_PLATFORM=offscreen
"$prefix/bin/tern-cli" --version | tee "$work/v-cli" | sed 's/^/  /'
grep -qx "tern-cli $version" <(head -1 "$work/v-cli") || fail "tern-cli --version"
"$prefix/bin/tern" --version > "$work/v-gui"
grep -qx "tern $version" <(head -1 "$work/v-gui") || fail "tern --version: $(cat "$work/v-gui")"
grep -q "^backends: CPU" "$work/v-gui" || fail "tern --version does not list the backends"

step "tern-cli generate on the installed model"
"$prefix/bin/tern-cli" generate -m "$prefix/share/tern/models/$model_file" -p "Once upon a time" -n 24 --temp 0 \
  > "$work/gen.out" 2> "$work/gen.err" || { cat "$work/gen.err"; fail "tern-cli generate"; }
grep -q '[[:alpha:]]' "$work/gen.out" || fail "tern-cli generate printed no text"
echo "  Once upon a time$(cat "$work/gen.out")"

self_test() {  # BIN DATA_DIR|"" EXPECTED_RESOURCES [NAME=VALUE...]
  local bin="$1" data="$2" res="$3"; shift 3
  local args=(--self-test)
  [ -z "$data" ] || args+=(--data-dir "$data")
  env -u TERN_DATA_DIR -u TERN_RESOURCES_DIR -u XDG_DATA_HOME "$@" "$bin" "${args[@]}" \
    > "$work/self.out" 2> "$work/self.err" || { cat "$work/self.out" "$work/self.err"; fail "$bin --self-test"; }
  grep -qF "bundled resources in $res" "$work/self.err" \
    || { cat "$work/self.err"; fail "$bin did not use its installed resources $res"; }
}
step "tern --self-test (offscreen, temporary data folder)"
self_test "$prefix/bin/tern" "$work/data" "$prefix/share/tern"
[ -f "$work/data/tern.db" ] && [ -f "$work/data/models/$model_file" ] || fail "self-test left no chat store/model"
sed 's/^/  /' "$work/self.out"

step "tern opens its window (offscreen) and saves a picture of it"
env -u TERN_DATA_DIR -u TERN_RESOURCES_DIR QT_QUICK_BACKEND=software "$prefix/bin/tern" --data-dir "$work/data" \
  --screenshot "$work/window.png" --screenshot-delay 1000 > "$work/window.log" 2>&1 \
  || { cat "$work/window.log"; fail "tern did not start"; }
[ -s "$work/window.png" ] || fail "tern saved no picture of its window"
! grep -E "is not installed|module .* not found|failed to load" "$work/window.log" || fail "QML modules missing"

step "desktop-file-validate, appstreamcli validate"
desktop-file-validate "$prefix/share/applications/$app_id.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net --explain "$prefix/share/metainfo/$app_id.metainfo.xml" \
  || fail "appstreamcli validate"

# ---- 4. the .tar.gz is relocatable
step "the .tar.gz: tern --self-test from an unpacked copy"
mkdir -p "$work/tgz"
tar -xzf "$tgz" -C "$work/tgz"
self_test "$work/tgz/$tgz_name/bin/tern" "$work/data-tgz" "$work/tgz/$tgz_name/share/tern"

# ---- 5. uninstalling keeps the user's data
if [ "$mode" = system ]; then
  step "dpkg -r tern keeps the user's data"
  home="$work/home"
  mkdir -p "$home"
  self_test /usr/bin/tern "" /usr/share/tern HOME="$home"
  user_data="$home/.local/share/Tern/tern"
  [ -f "$user_data/tern.db" ] && [ -f "$user_data/models/$model_file" ] || fail "no data in $user_data"
  $SUDO dpkg -r tern > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r tern"; }
  installed_by_us=0
  for f in /usr/bin/tern /usr/bin/tern-cli /usr/share/tern "/usr/share/applications/$app_id.desktop" \
           "/usr/share/metainfo/$app_id.metainfo.xml" "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"; do
    [ ! -e "$f" ] || fail "$f is still there after dpkg -r tern"
  done
  [ -f "$user_data/tern.db" ] && [ -f "$user_data/models/$model_file" ] || fail "dpkg -r removed the user's data"
  echo "  program files removed; $user_data (tern.db, models/) kept"
fi
step "passed ($mode mode, $((SECONDS - start)) s)"
