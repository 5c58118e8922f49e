#!/usr/bin/env bash
# Sets up everything GroupWriteback's build, lab and tests need on a fresh Debian machine with Node 20+, npm and
# the .NET SDK: Debian packages (Samba AD DC & LDAP tools), npm packages, PowerShell (dotnet global tool),
# Pester (from NuGet), then builds the bundled core. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PWSH_VERSION=7.6.9
PESTER_VERSION=5.9.1
APT_PACKAGES=(samba samba-ad-dc samba-ad-provision ldb-tools ldap-utils openssl krb5-user libsasl2-modules-gssapi-mit build-essential python3 smbclient)

log() { printf '==> %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt: ${APT_PACKAGES[*]} already installed"
fi
# The system samba service must not hold 127.0.0.1:389/636 (the lab runs its own DCs); Debian may start it.
for svc in samba-ad-dc smbd nmbd winbind; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    sudo_if_needed systemctl stop "$svc" || true
  fi
done

# 2. npm packages. edge-js (the Kerberos directory driver) compiles its native addon with node-gyp: use the installed
# Node's headers (Debian's nodejs ships /usr/include/node), never a download. The repo's .npmrc says the same;
# Directory.Build.targets at the repo root lets edge-js's managed bootstrap restore (build/native.mjs checks it).
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  log "npm: node_modules up to date"
fi

# 3. PowerShell as a dotnet global tool
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v pwsh >/dev/null 2>&1 || [ "$(pwsh -NoProfile -NoLogo -c '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$PWSH_VERSION" ]; then
  log "dotnet tool: PowerShell $PWSH_VERSION"
  dotnet tool update --global PowerShell --version "$PWSH_VERSION" >/dev/null 2>&1 \
    || dotnet tool install --global PowerShell --version "$PWSH_VERSION"
else
  log "pwsh $PWSH_VERSION already installed"
fi

# 4. Pester from NuGet (a .nupkg holds the module under tools/), into the user's PowerShell module path
PESTER_DIR="$HOME/.local/share/powershell/Modules/Pester/$PESTER_VERSION"
if [ ! -f "$PESTER_DIR/Pester.psd1" ]; then
  log "NuGet: Pester $PESTER_VERSION"
  tmp=$(mktemp -d)
  cat > "$tmp/download.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net$(dotnet --version | cut -d. -f1).0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tmp/download.csproj" --packages "$tmp/packages" >/dev/null
  mkdir -p "$PESTER_DIR"
  cp -r "$tmp/packages/pester/$PESTER_VERSION/tools/." "$PESTER_DIR/"
  rm -rf "$tmp"
else
  log "Pester $PESTER_VERSION already installed"
fi

# 5. NuGet packages of the .NET conformance suite (Microsoft.Graph, Azure.Identity, xunit; built and run by npm test)
log "NuGet: restore test/dotnet-conformance"
dotnet restore test/dotnet-conformance/GraphConformance.csproj --nologo -v q --disable-build-servers

# 6. Build the bundled core
log "build"
npm run --silent build
log "setup done (add \$HOME/.dotnet/tools to PATH for pwsh)"
