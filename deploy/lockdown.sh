#!/usr/bin/env bash
# Locks a Debian/Ubuntu terminal down for unattended kiosk use. Run once as root after install.sh.
#   deploy/lockdown.sh [--root DIR] [--id-reader-usb VID:PID]
# --root DIR writes every file under DIR and only prints the commands it would run (to review
# the result, or to build an image). What it does, and why:
#   - no VT switching and no Ctrl+Alt+Backspace in X (DontVTSwitch, DontZap); cage refuses VT
#     switching by itself; no gettys on other VTs (logind NAutoVTs=0), Ctrl+Alt+Del masked,
#     magic SysRq off: a resident with a keyboard reaches nothing but the kiosk
#   - screen blanking policy: the panel never blanks or sleeps (X, console, DPMS); the kiosk's
#     attract screen after idle keeps the picture moving. Switch a panel off at night with the
#     display's own schedule, not by blanking (a blank kiosk looks broken).
#   - cursor hidden: X draws none (-nocursor in kiosk-x), the console cursor is off, and the
#     kiosk hides its pointer in lockdown mode
#   - power and suspend keys ignored; a stable /dev/idreader name for the ID card reader
set -euo pipefail

ROOT=""
READER_USB=""
while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT=${2%/}; shift 2 ;;
        --id-reader-usb) READER_USB=$2; shift 2 ;;
        *) echo "usage: $0 [--root DIR] [--id-reader-usb VID:PID]" >&2; exit 2 ;;
    esac
done

run() {  # commands change the running system: only without --root
    if [ -n "$ROOT" ]; then echo "would run: $*"; else "$@"; fi
}

put() {  # put PATH: write stdin to $ROOT/PATH
    mkdir -p "$(dirname "$ROOT$1")"
    cat > "$ROOT$1"
    echo "wrote $ROOT$1"
}

put /etc/X11/xorg.conf.d/10-zhengwu-kiosk.conf <<'CONF'
# 政务自助终端: no VT switching, no zap, never blank (deploy/lockdown.sh)
Section "ServerFlags"
    Option "DontVTSwitch" "true"
    Option "DontZap"      "true"
    Option "BlankTime"    "0"
    Option "StandbyTime"  "0"
    Option "SuspendTime"  "0"
    Option "OffTime"      "0"
EndSection
Section "Monitor"
    Identifier "kiosk-panel"
    Option "DPMS" "false"
EndSection
CONF

put /etc/systemd/logind.conf.d/90-zhengwu-kiosk.conf <<'CONF'
# 政务自助终端: no login prompts on other VTs, keys that would stop the terminal ignored
[Login]
NAutoVTs=0
ReserveVT=0
HandlePowerKey=ignore
HandleSuspendKey=ignore
HandleHibernateKey=ignore
HandleLidSwitch=ignore
IdleAction=ignore
CONF

put /etc/systemd/system.conf.d/90-zhengwu-kiosk.conf <<'CONF'
[Manager]
CtrlAltDelBurstAction=none
CONF

put /etc/sysctl.d/90-zhengwu-kiosk.conf <<'CONF'
# no magic SysRq from a keyboard plugged into the terminal
kernel.sysrq = 0
CONF

put /etc/default/grub.d/90-zhengwu-kiosk.cfg <<'CONF'
# console never blanks, no blinking console cursor, no boot text on the resident's screen
GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT quiet consoleblank=0 vt.global_cursor_default=0"
GRUB_TIMEOUT=0
CONF

if [ -n "$READER_USB" ]; then
    [[ $READER_USB =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$ ]] || {
        echo "--id-reader-usb wants VID:PID in hex, e.g. 1a86:7523 (see lsusb)" >&2; exit 2; }
    vid=${READER_USB%%:*} pid=${READER_USB##*:}
    put /etc/udev/rules.d/60-zhengwu-idreader.rules <<CONF
# the ID card reader's USB-serial adapter as /dev/idreader (config: id_reader = "serial:/dev/idreader")
SUBSYSTEM=="tty", ATTRS{idVendor}=="$vid", ATTRS{idProduct}=="$pid", SYMLINK+="idreader", GROUP="dialout", MODE="0660"
CONF
    run udevadm control --reload-rules
    run udevadm trigger --subsystem-match=tty
fi

run systemctl mask ctrl-alt-del.target
run systemctl set-default graphical.target
run sysctl --system
if command -v update-grub >/dev/null || [ -n "$ROOT" ]; then run update-grub; fi
echo "lockdown done; reboot to apply everything (logind, grub)"
