@echo off
setlocal
cd /d "%~dp0"
dotnet run --project build\Build.csproj -c Release -- %*
exit /b %ERRORLEVEL%
