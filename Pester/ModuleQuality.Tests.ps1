#Requires -Version 7.4
# Module quality: the conventions admins expect from a module like ActiveDirectory or Microsoft.Graph, checked on
# every exported command (so a new cmdlet cannot slip through without help, ShouldProcess or a format view).

BeforeDiscovery {
    $script:ModulePath = Join-Path (Split-Path -Parent $PSScriptRoot) 'module/GroupWriteback'
    Import-Module $script:ModulePath -Force
    $script:Commands = @(Get-Command -Module GroupWriteback | Sort-Object Name | ForEach-Object { @{ Name = $_.Name; Verb = $_.Verb } })
    # Verbs whose commands change state (files, AD, the state store).
    $script:ChangingVerbs = @('New', 'Set', 'Add', 'Remove', 'Start', 'Stop', 'Invoke', 'Approve', 'Reset', 'Clear', 'Update', 'Register', 'Unregister', 'Enable', 'Disable', 'Restore', 'Sync')
    $script:Changing = @($script:Commands | Where-Object { $_.Verb -in $script:ChangingVerbs })
    $script:WithGroupId = @(Get-Command -Module GroupWriteback | Where-Object { $_.Parameters.ContainsKey('GroupId') } | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    $script:ManifestPath = Join-Path $ModulePath 'GroupWriteback.psd1'
    Import-Module $ModulePath -Force
    $script:Module = Get-Module GroupWriteback
    $script:ModuleFiles = @(Get-ChildItem $ModulePath -Recurse -Include *.ps1, *.psm1 -File)
}

Describe 'Manifest' {
    It 'passes Test-ModuleManifest and loads its format file' {
        $m = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $m.ExportedFunctions.Count | Should -BeGreaterThan 10
        $m.ExportedCmdlets.Count | Should -Be 0
        (Import-PowerShellDataFile $ManifestPath).FormatsToProcess | Should -Contain 'GroupWriteback.Format.ps1xml'
        [xml](Get-Content (Join-Path $ModulePath 'GroupWriteback.Format.ps1xml') -Raw) | Should -Not -BeNullOrEmpty
    }

    It 'lists every file it ships that exists' {
        foreach ($f in (Import-PowerShellDataFile $ManifestPath).FileList) {
            Join-Path $ModulePath $f | Should -Exist
        }
    }
}

Describe 'Exported command <Name>' -ForEach $Commands {
    BeforeAll {
        $script:Cmd = Get-Command -Module GroupWriteback -Name $Name
        $script:Help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $Verb
    }

    It 'has comment-based help: a synopsis, a description and at least one example' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        # Without comment-based help, PowerShell generates the syntax line as the synopsis.
        $Help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\s"
        ($Help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($Help.Examples.Example).Count | Should -BeGreaterOrEqual 1
        @($Help.Examples.Example)[0].Code | Should -Match ([regex]::Escape($Name))
    }

    It 'documents every parameter it declares' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $declared = $Cmd.Parameters.Keys | Where-Object { $_ -notin $common }
        $documented = @($Help.parameters.parameter | Where-Object { ($_.description | Out-String).Trim() } | ForEach-Object name)
        $undocumented = $declared | Where-Object { $_ -notin $documented }
        $undocumented | Should -BeNullOrEmpty
    }

    It 'declares its output type, and every GroupWriteback output type has a default view' {
        $types = @($Cmd.OutputType | ForEach-Object Name | Where-Object { $_ -like 'GroupWriteback.*' })
        if ($Name -notlike 'Set-*' -and $Name -notlike 'Reset-*' -and $Name -notlike 'Approve-*') { @($Cmd.OutputType).Count | Should -BeGreaterThan 0 }
        foreach ($t in $types) { Get-FormatData -TypeName $t | Should -Not -BeNullOrEmpty -Because "$t needs a view in GroupWriteback.Format.ps1xml" }
    }

    It 'never calls Write-Host, Read-Host or a host prompt' {
        $ast = $Cmd.ScriptBlock.Ast
        $calls = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }
        $calls | Should -Not -Contain 'Write-Host'
        $calls | Should -Not -Contain 'Read-Host'
        $ast.Extent.Text | Should -Not -Match 'PromptForChoice|\.UI\.Prompt|\[Console\]::(Write|Read)'
    }

    It 'takes -ConfigPath when it works on a configuration' -Skip:($Name -in 'Get-GroupWritebackVersion', 'Test-GroupWritebackExpression') {
        $Cmd.Parameters.Keys | Should -Contain 'ConfigPath'
        $Cmd.Parameters['ConfigPath'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Not -Contain $true
    }
}

Describe 'State-changing command <Name>' -ForEach $Changing {
    It 'supports ShouldProcess (-WhatIf, -Confirm) and declares its ConfirmImpact' {
        $cmd = Get-Command -Module GroupWriteback -Name $Name
        $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        $cmd.Parameters.Keys | Should -Contain 'Confirm'
        $binding = $cmd.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.SupportsShouldProcess | Should -BeTrue
        # ConfirmImpact must be written out, not left to the default.
        $cmd.ScriptBlock.Ast.Body.ParamBlock.Attributes.Where({ $_.TypeName.Name -eq 'CmdletBinding' }).NamedArguments.ArgumentName | Should -Contain 'ConfirmImpact'
        $cmd.ScriptBlock.Ast.Extent.Text | Should -Match 'ShouldProcess\('
    }

    # Start-GroupWritebackMigration changes objects outside the job's own OU (Entra Connect's groups), and
    # Approve-GroupProvisioningDeletion releases a batch of deletes: like Remove-ADObject / Remove-ADGroup they ask by
    # default (ConfirmImpact High); runbooks pass -Confirm:$false.
    It 'asks for confirmation only when -Confirm is given (ConfirmImpact below the default $ConfirmPreference, High)' -Skip:($Name -in 'Start-GroupWritebackMigration', 'Approve-GroupProvisioningDeletion') {
        $binding = (Get-Command -Module GroupWriteback -Name $Name).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.ConfirmImpact | Should -BeLessThan ([System.Management.Automation.ConfirmImpact]::High)
    }
}

Describe 'GroupId parameter of <Name>' -ForEach $WithGroupId {
    It 'binds from the pipeline by property name, with the alias Id' {
        $p = (Get-Command -Module GroupWriteback -Name $Name).Parameters['GroupId']
        $p.Aliases | Should -Contain 'Id'
        $p.Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipelineByPropertyName | Should -Contain $true
    }
}

Describe 'Module source' {
    It 'has no Write-Host, Read-Host or console I/O anywhere (public or private)' {
        foreach ($f in $ModuleFiles) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because $f.Name
            $names = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }
            $names | Should -Not -Contain 'Write-Host' -Because $f.Name
            $names | Should -Not -Contain 'Read-Host' -Because $f.Name
        }
    }

    It 'puts each public function in its own file named after it' {
        foreach ($f in Get-ChildItem (Join-Path $ModulePath 'Public') -Filter *.ps1) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$errors)
            $fns = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false)
            @($fns).Count | Should -Be 1 -Because $f.Name
            $fns[0].Name | Should -Be $f.BaseName
        }
    }

    It 'never puts a secret on a command line: the bridge writes secrets only to the core''s stdin' {
        $bridge = Get-Content (Join-Path $ModulePath 'Private/Invoke-GwbCore.ps1') -Raw
        $bridge | Should -Match 'ArgumentList\.Add\(\$script:GwbCorePath\)'
        $bridge | Should -Not -Match 'ArgumentList\.Add\([^)]*[Ss]ecret'
        foreach ($f in $ModuleFiles) {
            (Get-Content $f.FullName -Raw) | Should -Not -Match 'ConvertTo-SecureString[^\n]*-AsPlainText' -Because $f.Name
        }
    }
}
