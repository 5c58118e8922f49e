function Get-GroupWritebackVersion {
    <#
    .SYNOPSIS
    Shows the versions of the GroupWriteback module, its bundled core and the Node.js that runs it.

    .DESCRIPTION
    Starts the bundled core through the module's bridge and asks it for its version, so a successful answer also
    proves that Node.js is found and the core runs. Node.js is looked up in $env:GROUPWRITEBACK_NODE, then PATH.
    MemoryMode is how the core's JavaScript heap trades memory for CPU ($env:GWB_MEMORY_MODE when the core
    started: lean or fast; docs/configuration.md).

    .EXAMPLE
    Get-GroupWritebackVersion

    Module Core  Protocol Node    Memory NodePath
    ------ ----  -------- ----    ------ --------
    0.1.0  0.1.0        1 20.20.2 lean   /usr/bin/node

    Memory is the core's GWB_MEMORY_MODE: lean (the default, the least memory) or fast (V8's defaults).

    .EXAMPLE
    $env:GROUPWRITEBACK_NODE = 'C:\Program Files\nodejs\node.exe'; Get-GroupWritebackVersion

    Uses a specific Node.js installation.

    .OUTPUTS
    GroupWriteback.Version
    #>
    [CmdletBinding()]
    [OutputType('GroupWriteback.Version')]
    param()

    $node = Resolve-GwbNode
    $core = Invoke-GwbCore -Operation 'version' -Cmdlet $PSCmdlet
    $module = $MyInvocation.MyCommand.Module
    [pscustomobject]@{
        PSTypeName = 'GroupWriteback.Version'
        Module     = if ($module) { $module.Version.ToString() } else { $null }
        Core       = $core.core
        Protocol   = $core.protocol
        Node       = $core.node
        NodePath   = $node.Path
        Platform   = $core.platform
        MemoryMode = $core.memoryMode
    }
}
