/**
 * Loading the Kerberos driver's native part, lazily (only when directory.auth is kerberos): edge-js (its
 * native addon hosts .NET in this process) and GroupWriteback.Directory.dll (System.DirectoryServices.Protocols).
 * The module folder carries both next to the bundle: bin/node_modules/edge-js and bin/native/<rid>/. When a part
 * is missing, the error names exactly which one and how to get it; the simple driver never loads any of this.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { GwbError } from '../../core/errors';

export const NATIVE_ASSEMBLY = 'GroupWriteback.Directory.dll';
const TYPE_NAME = 'GroupWriteback.Directory.Ldap';

/** .NET runtime identifier of this platform (the folder under bin/native). */
export function runtimeId(): string {
  const os = process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'osx' : 'linux';
  return `${os}-${process.arch}`;
}

/** A failure reported by the .NET side as data (see native/GroupWriteback.Directory/Directory.cs). */
export interface NativeFailure {
  kind: 'result' | 'ldap' | 'other';
  code: number;
  message: string;
  serverMessage: string;
}

export type NativeResult<T> = T & { error?: NativeFailure };
type NativeCall = (input: Record<string, unknown>) => Promise<NativeResult<Record<string, any>>>;

export interface NativeDirectory {
  open: NativeCall;
  close: NativeCall;
  search: NativeCall;
  add: NativeCall;
  modify: NativeCall;
  modifyDn: NativeCall;
  delete: NativeCall;
  hello: NativeCall;
  assemblyFile: string;
}

function missing(what: string, hint: string): GwbError {
  return new GwbError(`The Kerberos directory driver cannot start: ${what}`, { code: 'KerberosDriverUnavailable', category: 'NotInstalled', target: 'directory.auth', hint });
}

/** Where the bundle (or, from source, the repo's built module) keeps the .NET library. */
function assemblyCandidates(): string[] {
  const rid = runtimeId();
  const dirs = process.env.GWB_NATIVE_DIR
    ? [process.env.GWB_NATIVE_DIR] // an explicit place only
    : [
        join(__dirname, 'native', rid), // bundle: module/GroupWriteback/bin/gwb.cjs
        resolve(__dirname, '../../../module/GroupWriteback/bin/native', rid), // source: src/directory/sdsp
      ];
  return dirs.map((d) => join(d, NATIVE_ASSEMBLY));
}

/** A .NET installation edge-js can host: `dotnet` on PATH, DOTNET_ROOT, or the usual places, with a runtime. */
function dotnetRoot(): string | undefined {
  const exe = process.platform === 'win32' ? 'dotnet.exe' : 'dotnet';
  const dirs = [process.env.DOTNET_ROOT, ...(process.env.PATH ?? '').split(delimiter), '/usr/share/dotnet', '/usr/lib/dotnet', join(process.env.HOME ?? '', '.dotnet')];
  for (const d of dirs) {
    if (!d || !existsSync(join(d, exe))) continue;
    const real = resolveLink(join(d, exe));
    const root = dirname(real);
    const fx = join(root, 'shared', 'Microsoft.NETCore.App');
    if (existsSync(fx) && readdirSync(fx).length > 0) return root;
  }
  return undefined;
}

function resolveLink(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

let loaded: NativeDirectory | undefined;

/** Load edge-js and the .NET library once per process; throws a KerberosDriverUnavailable GwbError naming the missing part. */
export function loadNativeDirectory(): NativeDirectory {
  if (loaded) return loaded;
  const assemblyFile = assemblyCandidates().find((f) => existsSync(f));
  if (!assemblyFile) {
    throw missing(`the .NET library ${NATIVE_ASSEMBLY} for ${runtimeId()} is not in the module (looked in ${assemblyCandidates().join(', ')}).`,
      `Install a GroupWriteback build that includes bin/native/${runtimeId()}, or build it: npm run build (needs the .NET SDK). Or use directory.auth {"type":"simple"}.`);
  }
  if (!dotnetRoot()) {
    throw missing('no .NET runtime (Microsoft.NETCore.App 8.0 or later) was found on PATH, DOTNET_ROOT, /usr/share/dotnet or /usr/lib/dotnet.',
      'Install the .NET runtime (Debian/Ubuntu: the dotnet-runtime-10.0 package from Microsoft; Windows: the .NET Desktop/Runtime installer), or set DOTNET_ROOT. Or use directory.auth {"type":"simple"}.');
  }
  const req = typeof require === 'function' ? require : createRequire(__filename);
  let edge: { func(o: { assemblyFile: string; typeName: string; methodName: string }): (input: unknown, cb: (err: unknown, res: unknown) => void) => void };
  try {
    edge = req('edge-js');
  } catch (err) {
    throw missing(`the edge-js native addon could not be loaded: ${(err as Error).message.split('\n')[0]}`,
      'The module folder must hold bin/node_modules/edge-js with build/Release/edge_coreclr.node built for this Node version (npm run build copies it). Or use directory.auth {"type":"simple"}.');
  }
  if (typeof (edge as { func?: unknown }).func !== 'function') {
    throw missing('edge-js loaded but could not start .NET (its managed bootstrap, lib/bootstrap/bin/Release/bootstrap.dll, is missing or failed).',
      'Rebuild edge-js with the repository\'s Directory.Build.targets present (npm ci), then npm run build.');
  }
  const fn = (methodName: string): NativeCall => {
    let f: ((input: unknown, cb: (err: unknown, res: unknown) => void) => void) | undefined;
    return (input) => new Promise((res, rej) => {
      try {
        f ??= edge.func({ assemblyFile, typeName: TYPE_NAME, methodName });
        // A .NET method that fails synchronously throws here, at the call site, even with a callback.
        f(input, (err, r) => (err ? rej(err) : res(r as NativeResult<Record<string, any>>)));
      } catch (err) {
        rej(err);
      }
    });
  };
  let initErr: unknown;
  try {
    loaded = {
      open: fn('Open'), close: fn('Close'), search: fn('Search'), add: fn('Add'), modify: fn('Modify'),
      modifyDn: fn('ModifyDn'), delete: fn('Delete'), hello: fn('Hello'), assemblyFile,
    };
  } catch (err) {
    initErr = err;
  }
  if (!loaded) throw missing(`edge-js could not bind ${assemblyFile}: ${(initErr as Error)?.message}`, 'Rebuild with npm run build.');
  return loaded;
}
