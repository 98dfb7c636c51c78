; Inno Setup 6 script: Ping Desktop's per-user Windows installer (no administrator rights).
;
; Built by packaging\windows\build.ps1, which passes:
;   /DAppVersion=0.1.0            the version from ping_desktop\__init__.py
;   /DBundleDir=<folder>          the PyInstaller folder (build\windows\dist\ping-desktop)
;   /DSign /Spingsign=<command>   only when signing is configured (see build.ps1)
;
; Installs to %LOCALAPPDATA%\Programs\Ping Desktop, adds a Start-menu entry and an entry in
; Settings > Apps with a clean uninstaller, and offers "Open with > Ping Desktop" for .xlsx,
; .xls and .csv files. It never changes which app opens those files by default: it only adds
; the app to each type's OpenWithProgids list and registers Applications\ping-desktop.exe.
; Every registry write is under HKCU, and removed again on uninstall.

#ifndef AppVersion
  ; Kept equal to ping_desktop\__init__.py (tests/packaging/test_consistency.py), so ISCC run
  ; by hand builds the right version too.
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\windows\dist\ping-desktop"
#endif
#define AppName "Ping Desktop"
#define AppExe "ping-desktop.exe"
#define ProgId "PingDesktop.Spreadsheet"

[Setup]
; The AppId identifies the app across upgrades: never change it.
AppId={{994456E9-022A-47D2-A8EC-F13A2BBDAEEF}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Ping
AppPublisherURL=https://pingintel.com
VersionInfoVersion={#AppVersion}
; Per-user install: no UAC prompt, nothing outside the user's profile and HKCU.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\..\resources\icons\ping-desktop.ico
OutputDir=..\..\dist
OutputBaseFilename=PingDesktop-{#AppVersion}-Setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 version 1809 (build 17763), the oldest Windows Qt 6 supports; README says the same.
MinVersion=10.0.17763
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Tell Explorer to re-read file associations, so "Open with" shows the app at once.
ChangesAssociations=yes
; Close a running copy before replacing its files (upgrade, uninstall).
CloseApplications=yes
#ifdef Sign
; The "pingsign" tool is defined on the ISCC command line by build.ps1 (/Spingsign=...).
SignTool=pingsign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: files a newer PyInstaller build no longer has must not
; linger next to the new ones and be loaded by mistake.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; "Open with": the application itself, with the types it can open.
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xls"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""
; A ProgID of our own, listed in each type's OpenWithProgids. The (Default) value of .xlsx,
; .xls and .csv (the default handler) is never written.
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Spreadsheet (Ping Desktop)"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.xlsx\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.xls\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.csv\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The user's runs, settings and logs (%LOCALAPPDATA%\Ping\PingDesktop) and the token in
; Windows Credential Manager are deliberately left alone on uninstall: reinstalling brings
; them back. README explains how to remove them.
