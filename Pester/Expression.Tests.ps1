#Requires -Version 7.4
# Test-GroupWritebackExpression: the portal's "expression builder" test, through the real bridge and core.

BeforeAll {
    $script:RepoRoot = Split-Path -Parent $PSScriptRoot
    $script:ModulePath = Join-Path $RepoRoot 'module/GroupWriteback'
    Import-Module $ModulePath -Force
    # Exported once the manifest lists it; until then, take it from the module's scope (same code, same bridge).
    $script:TestExpression = Get-Command Test-GroupWritebackExpression -Module GroupWriteback -ErrorAction SilentlyContinue
    if (-not $script:TestExpression) { $script:TestExpression = & (Get-Module GroupWriteback) { Get-Command Test-GroupWritebackExpression } }
    $script:ObjectId = '0f8ad6f1-3c5e-4a53-b8c2-e9305786a271'
}

Describe 'Test-GroupWritebackExpression' {
    Context 'values' {
        It 'evaluates Microsoft''s Append example' {
            $r = & $TestExpression -Expression 'Append([userPrincipalName], ".test")' -InputObject @{ userPrincipalName = 'John.Doe@contoso.com' }
            $r.PSObject.TypeNames[0] | Should -Be 'GroupWriteback.ExpressionResult'
            $r.Value | Should -BeExactly 'John.Doe@contoso.com.test'
            $r.Dropped | Should -BeFalse
            $r.Expression | Should -Be 'Append([userPrincipalName], ".test")'
            $LASTEXITCODE | Should -Be 0
        }

        It 'gives the default cn for an object like Get-MgGroup returns (Id answers [objectId])' {
            $group = [pscustomobject]@{ Id = $ObjectId; DisplayName = '  Sales  '; Description = $null }
            ($group | & $TestExpression 'Append(Append(Left(Trim([displayName]),51),"_"),Mid([objectId],25,12))').Value | Should -BeExactly 'Sales_e9305786a271'
        }

        It 'reads directory extensions from AdditionalProperties (GroupDN recipe)' {
            $ext = 'extension_0123456789abcdef0123456789abcdef_GroupDN'
            $group = [pscustomobject]@{ Id = $ObjectId; DisplayName = 'x'; AdditionalProperties = @{ $ext = 'CN=Sales\, EMEA,OU=Groups,DC=contoso,DC=com' } }
            $expr = "IIF(IsPresent([$ext]), Replace(Mid(Mid(Replace([$ext], `"\,`", , , `"\2C`", , ), Instr(Replace([$ext], `"\,`", , , `"\2C`", , ), `",`", , ), 9999), 2, 9999), `"\2C`", , , `",`", , ), `"OU=Default,DC=contoso,DC=com`")"
            ($group | & $TestExpression $expr).Value | Should -BeExactly 'OU=Groups,DC=contoso,DC=com'
            (& $TestExpression $expr -InputObject @{ $ext = $null }).Value | Should -BeExactly 'OU=Default,DC=contoso,DC=com'
        }

        It 'returns several values for a multi-valued result' {
            $r = & $TestExpression 'Split([extensionAttribute5], ",")' -InputObject @{ extensionAttribute5 = 'PermissionSetOne,PermissionSetTwo' }
            @($r.Value).Count | Should -Be 2
            $r.Value[1] | Should -BeExactly 'PermissionSetTwo'
        }

        It 'reports IgnoreFlowIfNullOrEmpty as Dropped with no value' {
            $r = & $TestExpression 'IgnoreFlowIfNullOrEmpty([description])' -InputObject @{ description = '' }
            $r.Value | Should -BeNullOrEmpty
            $r.Dropped | Should -BeTrue
        }

        It 'passes arrays, booleans, numbers and dates through' {
            $inputObject = @{ groupTypes = @('DynamicMembership', 'Unified'); securityEnabled = $true; count = 42; createdDateTime = [datetime]::new(2021, 6, 30, 8, 0, 0, [DateTimeKind]::Utc) }
            (& $TestExpression 'Join("|", Count([groupTypes]), [securityEnabled], [count] > 40, CDate([createdDateTime]))' -InputObject $inputObject).Value |
                Should -BeExactly '2|True|True|6/30/2021 8:00:00 AM'
        }

        It 'pins Now() with -Now and fills %Macro% values with -Macro' {
            (& $TestExpression 'Now()' -Now ([datetime]::new(2021, 7, 2, 15, 33, 38, [DateTimeKind]::Utc))).Value | Should -BeExactly '7/2/2021 3:33:38 PM'
            (& $TestExpression 'Append("@", %DomainFQDN%)' -Macro @{ DomainFQDN = 'contoso.com' }).Value | Should -BeExactly '@contoso.com'
        }

        It 'evaluates each piped object' {
            $r = @(@{ displayName = 'Sales' }, @{ displayName = 'HR' }) | & $TestExpression 'Switch([displayName], "OU=Default", "Sales", "OU=Sales")'
            $r.Value | Should -Be @('OU=Sales', 'OU=Default')
        }
    }

    Context 'errors' {
        It 'reports a syntax error with its column (terminating, ParserError)' {
            $err = $null
            try { & $TestExpression 'Left("abc" 3)' -InputObject @{} } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'GroupWriteback.ExpressionSyntaxError*'
            $err.CategoryInfo.Category | Should -Be 'ParserError'
            $err.TargetObject.column | Should -Be 12
            $err.TargetObject.line | Should -Be 1
            $err.Exception.Message | Should -Match 'Expected .,. or .\). but found the number 3 \(at column 12\)'
            $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            $LASTEXITCODE | Should -Be 1
        }

        It 'reports an unknown function and an unknown attribute before evaluating' {
            { & $TestExpression 'Lefts([displayName], 3)' } | Should -Throw -ErrorId 'GroupWriteback.UnknownFunction*'
            { & $TestExpression 'Left([dispayName], 3)' } | Should -Throw -ExpectedMessage '*Did you mean ''displayName''*'
        }

        It 'reports an evaluation error for the input it concerns, naming the function and argument, and goes on' {
            $all = @(@{ groupTypes = @('a') }, @{ groupTypes = @('a', 'b') }) | & $TestExpression 'Item([groupTypes], 2)' -ErrorAction Continue 2>&1
            $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $values = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
            $errors.Count | Should -Be 1
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $errors[0].TargetObject.function | Should -Be 'Item'
            $errors[0].TargetObject.argument | Should -Be 'index'
            $errors[0].Exception.Message | Should -Match 'index 2 is out of range \(1 to 1\)'
            $values.Value | Should -Be 'b'
        }

        It 'rejects an input that is not an object' {
            { & $TestExpression '[x]' -InputObject 42 } | Should -Throw -ErrorId 'GroupWriteback.InvalidExpressionInput*'
        }
    }

    Context 'help' {
        It 'has a synopsis, parameter help and an example from Microsoft''s reference' {
            $help = & (Get-Module GroupWriteback) { Get-Help Test-GroupWritebackExpression -Full }
            $help.Synopsis | Should -Match 'expression'
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
            ($help.Examples.Example | ForEach-Object Code) -join "`n" | Should -Match ([regex]::Escape('Append([userPrincipalName], ".test")'))
            foreach ($p in 'Expression', 'InputObject', 'Macro', 'Now') {
                ($help.parameters.parameter | Where-Object name -eq $p).description | Out-String | Should -Not -BeNullOrEmpty
            }
        }
    }
}
