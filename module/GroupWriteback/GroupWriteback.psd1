@{
    RootModule           = 'GroupWriteback.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0d8a64-3f3e-4c55-9a3e-0f6c2b6f7a11'
    Author               = 'GroupWriteback contributors'
    CompanyName          = 'GroupWriteback'
    Copyright            = '(c) GroupWriteback contributors. MIT License.'
    Description          = 'Provisions Microsoft Entra ID cloud security groups and their memberships into on-premises Active Directory (group writeback). Requires Node.js 20 or later; the engine is bundled in bin/gwb.cjs.'
    # PowerShell 7.4+ (Core). Windows PowerShell 5.1 is not supported yet: the bridge uses .NET Core process APIs.
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('GroupWriteback.Format.ps1xml')
    FunctionsToExport    = @(
        'Add-GroupWritebackScope',
        'Approve-GroupProvisioningDeletion',
        'Get-GroupProvisioningLog',
        'Get-GroupProvisioningPlan',
        'Get-GroupProvisioningStatus',
        'Get-GroupWritebackAccess',
        'Get-GroupWritebackConfiguration',
        'Get-GroupWritebackMigration',
        'Get-GroupWritebackScope',
        'Get-GroupWritebackVersion',
        'Invoke-GroupProvisioningOnDemand',
        'New-GroupWritebackConfiguration',
        'Remove-GroupWritebackScope',
        'Reset-GroupProvisioning',
        'Set-GroupWritebackConfiguration',
        'Start-GroupProvisioning',
        'Start-GroupWritebackMigration',
        'Test-GroupWritebackConfiguration',
        'Test-GroupWritebackExpression',
        'Test-GroupWritebackMigration',
        'Test-GroupWritebackSync'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FileList             = @('GroupWriteback.psd1', 'GroupWriteback.psm1', 'GroupWriteback.Format.ps1xml', 'bin/gwb.cjs')
    PrivateData          = @{
        PSData = @{
            Tags       = @('EntraID', 'ActiveDirectory', 'GroupWriteback', 'CloudSync', 'Provisioning', 'Linux', 'Windows')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
