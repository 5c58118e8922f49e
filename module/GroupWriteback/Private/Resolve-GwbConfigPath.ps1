function Get-GwbDefaultConfigPath {
    <#
    .SYNOPSIS
    The configuration file used when -ConfigPath is not given: $env:GROUPWRITEBACK_CONFIG if set, else
    groupwriteback.json in the per-user GroupWriteback folder (Windows: %APPDATA%\GroupWriteback; Linux and macOS:
    $XDG_CONFIG_HOME/GroupWriteback, else ~/.config/GroupWriteback).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:GROUPWRITEBACK_CONFIG) { return $env:GROUPWRITEBACK_CONFIG }
    $base = [Environment]::GetFolderPath([Environment+SpecialFolder]::ApplicationData)
    if (-not $base) { $base = Join-Path $HOME '.config' }
    return (Join-Path (Join-Path $base 'GroupWriteback') 'groupwriteback.json')
}

function Resolve-GwbPath {
    <#
    .SYNOPSIS
    Makes a file-system path absolute against PowerShell's current location (the core runs in another process,
    whose working folder is not $PWD). The file need not exist.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Path)
    if (-not $Path) { return $Path }
    return $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function Resolve-GwbConfigPath {
    <#
    .SYNOPSIS
    The absolute path of the configuration file: -ConfigPath if given, else the default (Get-GwbDefaultConfigPath).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowEmptyString()][AllowNull()][string]$ConfigPath)
    if (-not $ConfigPath) { $ConfigPath = Get-GwbDefaultConfigPath }
    return (Resolve-GwbPath -Path $ConfigPath)
}
