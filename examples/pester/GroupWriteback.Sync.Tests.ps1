#Requires -Version 7.4
# An admin's own check that group writeback keeps AD in line with Entra ID, for a scheduled pipeline or a
# monitoring runbook:   Invoke-Pester ./GroupWriteback.Sync.Tests.ps1
# It reads the configuration from $env:GROUPWRITEBACK_CONFIG; the directory password from $env:GWB_LDAP_PASSWORD
# here (in Azure Automation: Get-AutomationPSCredential).

BeforeAll {
    Import-Module GroupWriteback
    $script:Credential = if ($env:GWB_LDAP_PASSWORD) {
        [pscredential]::new('ldap', (ConvertTo-SecureString $env:GWB_LDAP_PASSWORD -AsPlainText -Force))
    }
    $script:Secrets = if ($Credential) { @{ Credential = $Credential } } else { @{} }
}

Describe 'Group writeback' {
    It 'meets every prerequisite' {
        $failed = Test-GroupWritebackConfiguration @Secrets -SkipWriteProbe | Where-Object Status -eq 'Failed'
        $failed | ForEach-Object { "$($_.Check): $($_.Message) Fix: $($_.Fix)" } | Should -BeNullOrEmpty
    }

    It 'is healthy: not quarantined, no deletes waiting for approval' {
        (Get-GroupProvisioningStatus).State | Should -BeIn 'Healthy', 'Running'
    }

    It 'ran a cycle in the last hour' {
        (Get-GroupProvisioningStatus).LastCycleAt | Should -BeGreaterThan (Get-Date).ToUniversalTime().AddHours(-1)
    }

    It 'keeps AD in sync with Entra ID' {
        Test-GroupWritebackSync @Secrets | Should -BeNullOrEmpty
    }
}
