# Build the Windows bundle and installer (PowerShell 5+ on Windows 10/11 x64).
#
#   py -3.11 -m venv .venv; .venv\Scripts\python -m pip install -e ".[packaging]"
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
#
# Output: dist\grok-spicy\ (grok-spicy.exe for the CLI, "Grok Spicy.exe" for the GUI),
#         dist\grok-spicy-<version>-windows-x64.zip (portable) and, when Inno Setup 6 is
#         installed (winget install JRSoftware.InnoSetup), dist\grok-spicy-<version>-windows-x64-setup.exe.
# The frozen self-test must pass, or the script stops before packaging.
param(
    [string]$Python = ".venv\Scripts\python.exe",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

if (-not (Test-Path $Python)) {
    throw "No Python at $Python. Create the venv first: py -3.11 -m venv .venv; .venv\Scripts\python -m pip install -e "".[packaging]"""
}
$Version = & $Python -c "import grok_spicy_desktop as g; print(g.__version__)"
$Work = Join-Path $Root "build\pyinstaller"
$Dist = Join-Path $Root "dist"

Write-Host "==> PyInstaller build $Version"
$sw = [Diagnostics.Stopwatch]::StartNew()
& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath $Dist --workpath $Work packaging\grok_spicy.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed ($LASTEXITCODE)" }
Write-Host ("Build took {0:N0} s" -f $sw.Elapsed.TotalSeconds)
$Bundle = Join-Path $Dist "grok-spicy"

Write-Host "==> Frozen self-test"
$env:QT_QPA_PLATFORM = "offscreen"
& (Join-Path $Bundle "grok-spicy.exe") --self-test
$code = $LASTEXITCODE
Remove-Item Env:QT_QPA_PLATFORM
if ($code -ne 0) { throw "The frozen self-test failed ($code)" }

Write-Host "==> Portable zip"
$Zip = Join-Path $Dist "grok-spicy-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip

if (-not $Iscc) {
    $candidates = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    )
    $Iscc = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if ($Iscc) {
    Write-Host "==> Installer (Inno Setup)"
    $Icon = Join-Path $Work "grok_spicy\stage\grok-spicy.ico"
    $isccArgs = @("/Q", "/DAppVersion=$Version", "/DSourceDir=$Bundle", "/DOutputDir=$Dist")
    if (Test-Path $Icon) { $isccArgs += "/DIconFile=$Icon" }
    & $Iscc @isccArgs packaging\windows\grok_spicy.iss
    if ($LASTEXITCODE -ne 0) { throw "ISCC failed ($LASTEXITCODE)" }
} else {
    Write-Warning "Inno Setup 6 not found: skipped the installer (winget install JRSoftware.InnoSetup)."
}
$size = (Get-ChildItem $Bundle -Recurse | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("Bundle: {0} ({1:N0} MB)" -f $Bundle, $size)
