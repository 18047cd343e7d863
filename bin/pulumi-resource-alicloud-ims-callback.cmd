@echo off
rem The alicloud-ims-callback provider plugin for contributors on Windows: the twin of the POSIX sh
rem launcher beside it, run by the Node.js on PATH (20 or later). The engine finds it on PATH as
rem pulumi-resource-alicloud-ims-callback.cmd. Users need neither launcher: pulumi downloads the
rem self-contained executable (Node.js embedded) from the release.
setlocal
set "version="
for /f "delims=" %%v in ('node --version 2^>nul') do set "version=%%v"
if not defined version (
  echo pulumi-resource-alicloud-ims-callback: Node.js 20 or later is needed, and node was not found on PATH; install Node.js 20 or later. 1>&2
  exit /b 1
)
for /f "tokens=1 delims=." %%m in ("%version:~1%") do set "major=%%m"
if %major% LSS 20 (
  echo pulumi-resource-alicloud-ims-callback: Node.js 20 or later is needed; the node on PATH is %version%. Install Node.js 20 or later, or put it first on PATH. 1>&2
  exit /b 1
)
if exist "%~dp0dist\plugin\main.js" (
  node "%~dp0dist\plugin\main.js" %*
) else (
  node "%~dp0..\dist\plugin\main.js" %*
)
exit /b %ERRORLEVEL%
