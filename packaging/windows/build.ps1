<#
.SYNOPSIS
  Build Ping Desktop for Windows: the PyInstaller folder and the per-user Setup.exe.

.DESCRIPTION
  Run from any folder, with a Python that has the project installed:
      pip install -e ".[packaging]"
      powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Smoke] [-Python py]

  Output: dist\PingDesktop-<version>-Setup.exe
  -Smoke  runs the frozen app's --self-test, then installs the Setup.exe silently into a
          temporary folder, runs the installed copy's --self-test and uninstalls it again.

  Signing (optional; both the programs and the installer, as SmartScreen wants):
      $env:SIGN_CERT_SHA1       thumbprint of the code-signing certificate in the user's or
                                machine's certificate store (hardware token or cloud KSP)
      $env:SIGN_TIMESTAMP_URL   RFC 3161 timestamp server (default http://timestamp.digicert.com)
      $env:SIGNTOOL             path of signtool.exe (default: found in the Windows 10/11 SDK)
  Without SIGN_CERT_SHA1 nothing is signed and the build says so.
#>
param(
    [switch]$Smoke,
    [string]$Python = "python"
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root
$Version = (Select-String -Path "ping_desktop\__init__.py" -Pattern '__version__ = "(.+)"').Matches[0].Groups[1].Value
$Bundle = Join-Path $Root "build\windows\dist\ping-desktop"
$Setup = Join-Path $Root "dist\PingDesktop-$Version-Setup.exe"
$Watch = [System.Diagnostics.Stopwatch]::StartNew()

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe exited with $LASTEXITCODE" }
}

function Find-SignTool {
    if ($env:SIGNTOOL) { return $env:SIGNTOOL }
    $found = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($found) { return $found.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
    $candidate = Get-ChildItem $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match "\\x64\\" } | Sort-Object FullName -Descending | Select-Object -First 1
    if ($candidate) { return $candidate.FullName }
    throw "SIGN_CERT_SHA1 is set but signtool.exe was not found (install the Windows SDK or set SIGNTOOL)"
}

function Get-SignArguments {
    $timestamp = if ($env:SIGN_TIMESTAMP_URL) { $env:SIGN_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    return @("sign", "/sha1", $env:SIGN_CERT_SHA1, "/fd", "sha256", "/tr", $timestamp, "/td", "sha256")
}

function Find-Iscc {
    $found = Get-Command iscc.exe -ErrorAction SilentlyContinue
    if ($found) { return $found.Source }
    foreach ($dir in @(${env:ProgramFiles(x86)}, $env:ProgramFiles, (Join-Path $env:LOCALAPPDATA "Programs"))) {
        $candidate = Join-Path $dir "Inno Setup 6\ISCC.exe"
        if (Test-Path $candidate) { return $candidate }
    }
    throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org or 'choco install innosetup'"
}

function Invoke-SelfTest([string]$Exe) {
    # ping-desktop.exe is a windowed program: wait for it explicitly and read its exit code.
    $out = New-TemporaryFile
    $env:QT_QPA_PLATFORM = "offscreen"
    try {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $process = Start-Process -FilePath $Exe -ArgumentList "--self-test" -PassThru `
            -NoNewWindow -RedirectStandardOutput $out
        $null = $process.Handle  # keeps ExitCode readable after exit (a .NET quirk without -Wait)
        # A windowed program that fails before the self-test starts shows a dialog nobody can
        # click on CI: never wait for ever.
        if (-not $process.WaitForExit(300000)) {
            Stop-Process -Id $process.Id -Force
            throw "$Exe --self-test did not finish within 5 minutes (an error dialog?)"
        }
        Get-Content $out | Write-Host
        if ($process.ExitCode -ne 0) { throw "$Exe --self-test exited with $($process.ExitCode)" }
        Write-Host ("self-test passed in {0:N1} s" -f $watch.Elapsed.TotalSeconds)
    } finally {
        Remove-Item Env:QT_QPA_PLATFORM -ErrorAction SilentlyContinue
        Remove-Item $out -ErrorAction SilentlyContinue
    }
}

Write-Host "=== PyInstaller one-folder bundle (Ping Desktop $Version)"
Invoke-Checked $Python @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "build\windows\dist", "--workpath", "build\windows\work", "packaging\ping_desktop.spec")
foreach ($exe in @("ping-desktop.exe", "ping-desktop-cli.exe")) {
    if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "PyInstaller did not produce $exe" }
}
Invoke-Checked (Join-Path $Bundle "ping-desktop-cli.exe") @("--version")

$isccArgs = @("/Qp", "/DAppVersion=$Version", "/DBundleDir=$Bundle")
if ($env:SIGN_CERT_SHA1) {
    $signtool = Find-SignTool
    Write-Host "=== signing the programs"
    Invoke-Checked $signtool ((Get-SignArguments) + @((Join-Path $Bundle "ping-desktop.exe"), (Join-Path $Bundle "ping-desktop-cli.exe")))
    # Inno Setup calls this for the installer and its uninstaller ($f: the quoted file to sign).
    # signtool goes on PATH so the command holds no quotes: ISCC's own command-line parsing
    # does not understand the escaped quotes PowerShell would send.
    $env:PATH = "$(Split-Path $signtool);$env:PATH"
    $signCommand = "signtool.exe " + ((Get-SignArguments) -join " ") + ' $f'
    $isccArgs += @("/DSign", "/Spingsign=$signCommand")
} else {
    Write-Host "NOTE: SIGN_CERT_SHA1 not set: building unsigned (SmartScreen will warn users)"
}

Write-Host "=== Inno Setup installer"
$iscc = Find-Iscc
Invoke-Checked $iscc ($isccArgs + @("packaging\windows\ping-desktop.iss"))
if (-not (Test-Path $Setup)) { throw "Inno Setup did not produce $Setup" }
$buildSeconds = $Watch.Elapsed.TotalSeconds

if ($Smoke) {
    Write-Host "=== smoke test: frozen folder"
    Invoke-SelfTest (Join-Path $Bundle "ping-desktop.exe")
    Write-Host "=== smoke test: silent per-user install, run, uninstall"
    $target = Join-Path ([System.IO.Path]::GetTempPath()) "PingDesktopSmoke"
    $install = Start-Process -FilePath $Setup -Wait -PassThru -ArgumentList @(
        "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/DIR=`"$target`"")
    if ($install.ExitCode -ne 0) { throw "Setup exited with $($install.ExitCode)" }
    Invoke-SelfTest (Join-Path $target "ping-desktop.exe")
    $openWith = "HKCU:\Software\Classes\.xlsx\OpenWithProgids"
    if (-not (Get-ItemProperty $openWith -Name "PingDesktop.Spreadsheet" -ErrorAction SilentlyContinue)) {
        throw "the installer did not add Ping Desktop to 'Open with' for .xlsx"
    }
    $uninstall = Start-Process -FilePath (Join-Path $target "unins000.exe") -Wait -PassThru `
        -ArgumentList @("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
    if ($uninstall.ExitCode -ne 0) { throw "the uninstaller exited with $($uninstall.ExitCode)" }
    # The uninstaller finishes from a copy of itself in %TEMP%: give it a moment.
    for ($i = 0; $i -lt 60 -and (Test-Path "HKCU:\Software\Classes\Applications\ping-desktop.exe"); $i++) {
        Start-Sleep -Milliseconds 500
    }
    if (Test-Path "HKCU:\Software\Classes\Applications\ping-desktop.exe") {
        throw "the uninstaller left HKCU\Software\Classes\Applications\ping-desktop.exe behind"
    }
}

$bundleBytes = (Get-ChildItem $Bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum
$setupBytes = (Get-Item $Setup).Length
Write-Host ("build time: {0:N1} s; bundle {1:N1} MB; installer {2:N1} MB ({3})" -f `
    $buildSeconds, ($bundleBytes / 1MB), ($setupBytes / 1MB), $Setup)
if ($setupBytes -ge 80MB) { throw "the installer is over 80 MB" }
