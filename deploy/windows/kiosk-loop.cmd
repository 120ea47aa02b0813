@echo off
rem Zhengwu self-service kiosk on Windows: start the kiosk, and start it again whenever it ends.
rem Started at logon of the kiosk account by the scheduled task install-autostart.ps1 creates.
rem The folder layout: C:\zhengwu-kiosk\app\kiosk.exe (scripts/build), this file beside app\.
setlocal
set "APP=%~dp0app\kiosk.exe"
set "DATA=%ProgramData%\zhengwu-kiosk"
set "CONFIG=%DATA%\kiosk.toml"
if not exist "%DATA%" mkdir "%DATA%"
:loop
"%APP%" --config "%CONFIG%"
set RC=%errorlevel%
echo %date% %time% kiosk ended with exit code %RC%, restarting>> "%DATA%\restarts.log"
rem exit code 2: the config is wrong; retrying quickly fills the log and changes nothing
if "%RC%"=="2" (timeout /t 60 /nobreak >nul) else (timeout /t 3 /nobreak >nul)
goto loop
