; Inno Setup 6 script for Grok Spicy (Windows x64). Built by packaging\windows\build_windows.ps1,
; which passes /DAppVersion=<version> /DSourceDir=<dist\grok-spicy> /DOutputDir=<dist>
; and, when it made one, /DIconFile=<.ico>. By hand, from the repo root:
;   iscc /DAppVersion=0.1.0 /DSourceDir=%CD%\dist\grok-spicy /DOutputDir=%CD%\dist packaging\windows\grok_spicy.iss
;
; Installs per user by default (no admin prompt, into %LOCALAPPDATA%\Programs\Grok Spicy); the
; first page lets an administrator choose "all users" instead. Projects, settings and the API key
; (Windows Credential Locker) are user data and are left alone by the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\grok-spicy"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Grok Spicy"
#define GuiExe "Grok Spicy.exe"
#define CliExe "grok-spicy.exe"

[Setup]
; A fixed AppId lets an upgrade replace the previous version in place. Never change it.
AppId={{6F4B8E0A-5C1D-4E8B-9D7A-2B9C3F1E4A57}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Grok Spicy contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=grok-spicy-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName} {#AppVersion}
; Block install/uninstall while the app runs (files in use).
CloseApplications=yes
#ifdef IconFile
SetupIconFile={#IconFile}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: both executables and _internal\ (Qt, Python, ffmpeg\ffmpeg.exe).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade must not keep modules of the previous version next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
