# Zhengwu self-service kiosk on Windows 10/11: start kiosk-loop.ps1 at logon of the kiosk account, keep the
# screen on, and take away the ways out a resident could find. Run once in an elevated
# PowerShell:   powershell -ExecutionPolicy Bypass -File install-autostart.ps1 -User kiosk
# Automatic logon of that account: Sysinternals Autologon (stores the password encrypted).
param(
    [string]$User = "kiosk",
    [string]$Folder = "C:\zhengwu-kiosk"
)
$ErrorActionPreference = "Stop"

# 1. The restart loop at logon, as the kiosk account, restarted if the task itself dies.
$loop = Join-Path $Folder "kiosk-loop.ps1"
if (-not (Test-Path (Join-Path $Folder "app\kiosk.exe"))) { throw "no app\kiosk.exe under $Folder" }
$action = New-ScheduledTaskAction -Execute "powershell.exe" -WorkingDirectory $Folder `
    -Argument "-NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File `"$loop`""
$trigger = New-ScheduledTaskTrigger -AtLogOn -User $User
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -MultipleInstances IgnoreNew
$principal = New-ScheduledTaskPrincipal -UserId $User -LogonType Interactive -RunLevel Limited
Register-ScheduledTask -TaskName "ZhengwuKiosk" -Action $action -Trigger $trigger `
    -Settings $settings -Principal $principal -Force | Out-Null

# 2. Screen blanking policy: the panel never sleeps or shows a screen saver; the machine never
#    sleeps. The kiosk's attract screen after idle keeps the picture moving.
powercfg /change monitor-timeout-ac 0
powercfg /change standby-timeout-ac 0
powercfg /change hibernate-timeout-ac 0
$desk = "HKU:\$((New-Object System.Security.Principal.NTAccount($User)).Translate([System.Security.Principal.SecurityIdentifier]).Value)\Control Panel\Desktop"
New-PSDrive -Name HKU -PSProvider Registry -Root HKEY_USERS -ErrorAction SilentlyContinue | Out-Null
if (Test-Path $desk) { Set-ItemProperty $desk -Name ScreenSaveActive -Value "0" }

# 3. No edge swipes (action center, task view) and no lock screen over the kiosk.
$edge = "HKLM:\SOFTWARE\Policies\Microsoft\Windows\EdgeUI"
New-Item $edge -Force | Out-Null
Set-ItemProperty $edge -Name AllowEdgeSwipe -Value 0 -Type DWord
$pers = "HKLM:\SOFTWARE\Policies\Microsoft\Windows\Personalization"
New-Item $pers -Force | Out-Null
Set-ItemProperty $pers -Name NoLockScreen -Value 1 -Type DWord

# 4. No Windows error dialog waiting for a click when the kiosk crashes: the loop restarts it.
$wer = "HKLM:\SOFTWARE\Microsoft\Windows\Windows Error Reporting"
Set-ItemProperty $wer -Name DontShowUI -Value 1 -Type DWord

Write-Host "ZhengwuKiosk task registered for $User; set up automatic logon (Autologon) and reboot."
