<#
.SYNOPSIS
  Build Ping Desktop for Windows: the PyInstaller folder and the per-user Setup.exe.

.DESCRIPTION
  Run from any folder, with a Python that has the project installed:
      pip install -e ".[packaging]"
      powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Smoke] [-Python py]

  Output: dist\PingDesktop-<version>-Setup.exe
  -Smoke  runs the frozen app's --self-test twice (its output captured, then started as Explorer
          starts it, with no stdout/stderr at all), then installs the Setup.exe silently into
          a temporary folder, runs the installed copy's --self-test and uninstalls it again.

  Signing (optional; both the programs, the installer and its uninstaller, as SmartScreen wants).
  Give ONE of:
      $env:SIGN_PFX_PATH        a code-signing certificate with its private key (.pfx), and
      $env:SIGN_PFX_PASSWORD    its password. The certificate is imported into the current
                                user's store for the build and removed again at the end; this
                                is the route the CI workflow uses (secret WINDOWS_SIGN_PFX_BASE64).
      $env:SIGN_CERT_SHA1       the thumbprint of a certificate already in a certificate store
                                (a hardware token, or a cloud provider's key storage provider);
                                $env:SIGN_CERT_STORE = "machine" looks in the local machine's
                                store (signtool /sm) instead of the current user's.
  and optionally:
      $env:SIGN_TIMESTAMP_URL   RFC 3161 timestamp server (default http://timestamp.digicert.com)
      $env:SIGNTOOL             path of signtool.exe (default: found in the Windows 10/11 SDK)
  Every signed file is checked with "signtool verify /pa" (a test certificate fails there).
  Without any of them nothing is signed and the build says so (a warning annotation in CI).
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
    # Name the store: signtool looks in the current user's "My" store unless told /sm.
    $store = @("/s", "My")
    if ($env:SIGN_CERT_STORE -eq "machine") { $store += "/sm" }
    return @("sign", "/sha1", $env:SIGN_CERT_SHA1) + $store + @("/fd", "sha256", "/tr", $timestamp, "/td", "sha256")
}

# Certificates this build imported from SIGN_PFX_PATH, removed again by Remove-ImportedCertificate.
$ImportedThumbprints = @()

function Import-SigningCertificate {
    # A .pfx is imported into the current user's store, so the thumbprint route below signs
    # with it and no password ever appears on a command line (ISCC logs its sign command).
    if (-not $env:SIGN_PFX_PATH) { return }
    if (-not (Test-Path $env:SIGN_PFX_PATH)) { throw "SIGN_PFX_PATH: no such file $($env:SIGN_PFX_PATH)" }
    if (-not $env:SIGN_PFX_PASSWORD) { throw "SIGN_PFX_PATH is set but SIGN_PFX_PASSWORD is empty" }
    $before = @(Get-ChildItem Cert:\CurrentUser\My | ForEach-Object { $_.Thumbprint })
    $password = ConvertTo-SecureString -String $env:SIGN_PFX_PASSWORD -AsPlainText -Force
    $imported = @(Import-PfxCertificate -FilePath $env:SIGN_PFX_PATH -Password $password `
        -CertStoreLocation Cert:\CurrentUser\My)
    $script:ImportedThumbprints = @($imported | ForEach-Object { $_.Thumbprint } | Where-Object { $before -notcontains $_ })
    # A .pfx may carry its chain too: sign with the one certificate for code signing.
    $codeSigning = "1.3.6.1.5.5.7.3.3"
    $signing = @($imported | Where-Object {
        $_.HasPrivateKey -and (@($_.EnhancedKeyUsageList | ForEach-Object { $_.ObjectId }) -contains $codeSigning)
    })
    if ($signing.Count -ne 1) {
        throw "SIGN_PFX_PATH holds $($signing.Count) code-signing certificates with a private key; expected exactly one"
    }
    $env:SIGN_CERT_SHA1 = $signing[0].Thumbprint
    $env:SIGN_CERT_STORE = "user"
    Write-Host "imported the signing certificate $($signing[0].Subject) (expires $($signing[0].NotAfter))"
}

function Remove-ImportedCertificate {
    foreach ($thumbprint in $script:ImportedThumbprints) {
        Remove-Item -Path "Cert:\CurrentUser\My\$thumbprint" -DeleteKey -ErrorAction SilentlyContinue
    }
    $script:ImportedThumbprints = @()
}

function Confirm-Signed([string[]]$Files) {
    foreach ($file in $Files) { Invoke-Checked $script:SignTool @("verify", "/pa", $file) }
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

function Invoke-SelfTest([string]$Exe, [switch]$NoStreams) {
    # ping-desktop.exe is a windowed program: wait for it explicitly and read its exit code.
    # -NoStreams starts it as Explorer does (shell execute, nothing redirected), so it has no
    # stdout/stderr at all, as for a user; only its exit code tells the result then.
    $out = New-TemporaryFile
    $env:QT_QPA_PLATFORM = "offscreen"
    try {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        if ($NoStreams) {
            $process = Start-Process -FilePath $Exe -ArgumentList "--self-test" -PassThru
        } else {
            $process = Start-Process -FilePath $Exe -ArgumentList "--self-test" -PassThru `
                -NoNewWindow -RedirectStandardOutput $out
        }
        $null = $process.Handle  # keeps ExitCode readable after exit (a .NET quirk without -Wait)
        # A windowed program that fails before the self-test starts shows a dialog nobody can
        # click on CI: never wait for ever.
        if (-not $process.WaitForExit(300000)) {
            Stop-Process -Id $process.Id -Force
            throw "$Exe --self-test did not finish within 5 minutes (an error dialog?)"
        }
        Get-Content $out | Write-Host
        $how = if ($NoStreams) { " without stdout/stderr" } else { "" }
        if ($process.ExitCode -ne 0) { throw "$Exe --self-test$how exited with $($process.ExitCode)" }
        Write-Host ("self-test{0} passed in {1:N1} s" -f $how, $watch.Elapsed.TotalSeconds)
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
try {
    Import-SigningCertificate
    if ($env:SIGN_CERT_SHA1) {
        $signtool = Find-SignTool
        $script:SignTool = $signtool
        Write-Host "=== signing the programs"
        $programs = @((Join-Path $Bundle "ping-desktop.exe"), (Join-Path $Bundle "ping-desktop-cli.exe"))
        Invoke-Checked $signtool ((Get-SignArguments) + $programs)
        Confirm-Signed $programs
        # Inno Setup calls this for the installer and its uninstaller ($f: the quoted file to sign).
        # signtool goes on PATH so the command holds no quotes: ISCC's own command-line parsing
        # does not understand the escaped quotes PowerShell would send.
        $env:PATH = "$(Split-Path $signtool);$env:PATH"
        $signCommand = "signtool.exe " + ((Get-SignArguments) -join " ") + ' $f'
        $isccArgs += @("/DSign", "/Spingsign=$signCommand")
    } else {
        $unsigned = "no signing certificate (SIGN_PFX_PATH or SIGN_CERT_SHA1): building unsigned; SmartScreen will warn users"
        Write-Host "NOTE: $unsigned"
        if ($env:GITHUB_ACTIONS -eq "true") { Write-Host "::warning::$unsigned" }
    }

    Write-Host "=== Inno Setup installer"
    $iscc = Find-Iscc
    Invoke-Checked $iscc ($isccArgs + @("packaging\windows\ping-desktop.iss"))
    if (-not (Test-Path $Setup)) { throw "Inno Setup did not produce $Setup" }
    if ($env:SIGN_CERT_SHA1) { Confirm-Signed @($Setup) }
} finally {
    Remove-ImportedCertificate
}
$buildSeconds = $Watch.Elapsed.TotalSeconds

if ($Smoke) {
    Write-Host "=== smoke test: frozen folder"
    Invoke-SelfTest (Join-Path $Bundle "ping-desktop.exe")
    Invoke-SelfTest (Join-Path $Bundle "ping-desktop.exe") -NoStreams
    Write-Host "=== smoke test: silent per-user install, run, uninstall"
    $target = Join-Path ([System.IO.Path]::GetTempPath()) "PingDesktopSmoke"
    $install = Start-Process -FilePath $Setup -Wait -PassThru -ArgumentList @(
        "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/DIR=`"$target`"")
    if ($install.ExitCode -ne 0) { throw "Setup exited with $($install.ExitCode)" }
    Invoke-SelfTest (Join-Path $target "ping-desktop.exe")
    if ($env:SIGN_CERT_SHA1) { Confirm-Signed @((Join-Path $target "ping-desktop.exe"), (Join-Path $target "unins000.exe")) }
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
