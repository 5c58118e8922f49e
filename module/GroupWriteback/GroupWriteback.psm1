# GroupWriteback module: wiring only. Every decision lives in the bundled core (bin/gwb.cjs).
Set-StrictMode -Version 3.0

$script:GwbModuleRoot = $PSScriptRoot
$script:GwbCorePath = Join-Path $PSScriptRoot 'bin/gwb.cjs'
$script:GwbMinNodeMajor = 20
$script:GwbNodeCache = @{}
# PowerShell 7.5+ reads the core's ISO 8601 times as DateTimeOffset (ConvertFrom-Json -DateKind Offset).
$script:GwbJsonDateKind = (Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')

foreach ($folder in 'Private', 'Public') {
    $path = Join-Path $PSScriptRoot $folder
    if (Test-Path $path) {
        foreach ($file in Get-ChildItem -Path $path -Filter '*.ps1' -File | Sort-Object Name) {
            . $file.FullName
        }
    }
}

$publicFunctions = @(Get-ChildItem -Path (Join-Path $PSScriptRoot 'Public') -Filter '*.ps1' -File | ForEach-Object { $_.BaseName })
Export-ModuleMember -Function $publicFunctions
