#!/usr/bin/env bash
# Installs a built kiosk (scripts/build -> dist/kiosk/) and its session on a Linux terminal.
#   sudo deploy/install.sh [dist/kiosk] [--x]    (--x: plain X instead of cage/Wayland)
# Then write /etc/zhengwu-kiosk/kiosk.toml, run deploy/lockdown.sh and reboot (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=dist/kiosk
UNIT=zhengwu-kiosk.service
for a in "$@"; do
    case "$a" in
        --x) UNIT=zhengwu-kiosk-x.service ;;
        *) DIST=$a ;;
    esac
done
[ -x "$DIST/kiosk" ] || { echo "no built kiosk in $DIST (run scripts/build)" >&2; exit 2; }

if [ "$UNIT" = zhengwu-kiosk.service ]; then need=cage; else need="xinit xserver-xorg x11-xserver-utils"; fi
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $need cups

id kiosk >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/zhengwu-kiosk-home \
    --shell /usr/sbin/nologin kiosk
for g in dialout lp audio video input render; do
    getent group "$g" >/dev/null && usermod -aG "$g" kiosk
done

install -d /opt/zhengwu-kiosk/bin /etc/zhengwu-kiosk
rm -rf /opt/zhengwu-kiosk/app.new
cp -a "$DIST" /opt/zhengwu-kiosk/app.new
# swap in one step: a restart in the middle never finds half a build
rm -rf /opt/zhengwu-kiosk/app.old
[ -d /opt/zhengwu-kiosk/app ] && mv /opt/zhengwu-kiosk/app /opt/zhengwu-kiosk/app.old
mv /opt/zhengwu-kiosk/app.new /opt/zhengwu-kiosk/app
install -m 0755 deploy/bin/* /opt/zhengwu-kiosk/bin/
install -m 0644 "deploy/$UNIT" /etc/systemd/system/
[ -f /etc/zhengwu-kiosk/kiosk.toml ] || install -m 0644 docs/kiosk.example.toml /etc/zhengwu-kiosk/kiosk.toml
systemctl daemon-reload
systemctl enable "$UNIT"
echo "installed; edit /etc/zhengwu-kiosk/kiosk.toml, run deploy/lockdown.sh, then reboot"
