# Zhengwu self-service kiosk on Windows: start the kiosk, start it again whenever it ends, and
# kill it when its UI hangs. Started at logon of the kiosk account by the scheduled task that
# install-autostart.ps1 registers. Layout: C:\zhengwu-kiosk\app\kiosk.exe, this file beside app\.
#
# The hang check: the kiosk's UI thread rewrites $env:KIOSK_WATCHDOG_FILE every 10 s
# (kiosk/watchdog.py). A file older than $HangSeconds means the UI thread is stuck: the loop
# kills the process and starts a new one, as systemd's WatchdogSec= does on Linux.
param(
    [string]$Folder = $PSScriptRoot,
    [string]$Data = (Join-Path $env:ProgramData "zhengwu-kiosk"),
    [int]$HangSeconds = 60,
    [int]$StartSeconds = 120
)
$App = Join-Path $Folder "app\kiosk.exe"
$Config = Join-Path $Data "kiosk.toml"
$Beat = Join-Path $Data "ui-alive"
$Log = Join-Path $Data "restarts.log"
New-Item -ItemType Directory -Force -Path $Data | Out-Null

function Write-Restart([string]$what) {
    Add-Content -Path $Log -Value ("{0:yyyy-MM-dd HH:mm:ss} {1}" -f (Get-Date), $what)
}

while ($true) {
    Remove-Item $Beat -ErrorAction SilentlyContinue
    $env:KIOSK_WATCHDOG_FILE = $Beat
    $started = Get-Date
    $p = Start-Process -FilePath $App -ArgumentList @("--config", "`"$Config`"") -PassThru
    $hung = $false
    while (-not $p.WaitForExit(5000)) {
        if (Test-Path $Beat) {
            $age = ((Get-Date) - (Get-Item $Beat).LastWriteTime).TotalSeconds
            $limit = $HangSeconds
        } else {
            $age = ((Get-Date) - $started).TotalSeconds
            $limit = $StartSeconds
        }
        if ($age -gt $limit) {
            $hung = $true
            Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue
            $p.WaitForExit(10000) | Out-Null
            break
        }
    }
    if ($hung) {
        Write-Restart "kiosk UI did not answer for $([int]$age) s: killed, restarting"
        $code = -1
    } else {
        $code = $p.ExitCode
        Write-Restart "kiosk ended with exit code $code, restarting"
    }
    # exit code 2: the config is wrong; restarting quickly fills the log and changes nothing
    if ($code -eq 2) { Start-Sleep -Seconds 60 } else { Start-Sleep -Seconds 3 }
}
