// The LDAP wire for the Kerberos driver: one S.DS.P LdapConnection per handle, bound with Negotiate (Kerberos) and no
// credential (Linux: the caller's ccache or KRB5_CLIENT_KTNAME; Windows: the process identity), signed and sealed on
// 389 (or LDAPS on 636). Every request runs on the thread pool (Task.Run), never on Node's event loop thread.
// Results and failures go back to Node as plain dictionaries; the TypeScript side turns failures into the same
// DirectoryError codes as the ldapts driver (src/directory/sdsp/).
using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using System.Net;

namespace GroupWriteback.Directory;

public class Ldap
{
    static readonly ConcurrentDictionary<int, LdapConnection> Connections = new();
    static int nextHandle;
    const string PermissiveModifyOid = "1.2.840.113556.1.4.1413";

    static IDictionary<string, object?> Args(object input) => (IDictionary<string, object?>)input;
    static string Str(IDictionary<string, object?> a, string k) => a.TryGetValue(k, out var v) && v != null ? v.ToString()! : "";
    static int Int(IDictionary<string, object?> a, string k, int d) => a.TryGetValue(k, out var v) && v != null ? Convert.ToInt32(v) : d;
    static bool Bool(IDictionary<string, object?> a, string k) => a.TryGetValue(k, out var v) && v is bool b && b;
    static string[] Strings(object? v) => v is object[] arr ? arr.Select(x => x?.ToString() ?? "").ToArray() : v is string s ? new[] { s } : Array.Empty<string>();

    /// A failure as data: kind "result" (an LDAP result code from the server), "ldap" (a client-side LDAP error:
    /// 81 server down, 82 local error = Kerberos/GSSAPI, 85 timeout, 91 connect error), or "other".
    static Dictionary<string, object?> Fail(Exception e)
    {
        switch (e)
        {
            case DirectoryOperationException d:
                return new() { ["error"] = new Dictionary<string, object?> {
                    ["kind"] = "result", ["code"] = (int)(d.Response?.ResultCode ?? 0),
                    ["message"] = d.Message, ["serverMessage"] = d.Response?.ErrorMessage ?? "" } };
            case LdapException l:
                return new() { ["error"] = new Dictionary<string, object?> {
                    ["kind"] = "ldap", ["code"] = l.ErrorCode, ["message"] = l.Message, ["serverMessage"] = l.ServerErrorMessage ?? "" } };
            default:
                return new() { ["error"] = new Dictionary<string, object?> {
                    ["kind"] = "other", ["code"] = 0, ["message"] = e.GetType().Name + ": " + e.Message, ["serverMessage"] = "" } };
        }
    }

    static Task<object> Run(Func<object> work) => Task.Run(() =>
    {
        try { return work(); }
        catch (Exception e) { return (object)Fail(e); }
    });

    static LdapConnection Conn(IDictionary<string, object?> a)
    {
        var h = Int(a, "handle", -1);
        if (!Connections.TryGetValue(h, out var c)) throw new LdapException(81, "The directory connection is closed.");
        return c;
    }

    static DirectoryResponse Send(LdapConnection c, DirectoryRequest r, IDictionary<string, object?> a) =>
        c.SendRequest(r, TimeSpan.FromMilliseconds(Int(a, "timeoutMs", 120_000)));

    /// { host, port, secure, timeoutMs, connectTimeoutMs } → { handle }: connect and bind with Negotiate.
    public Task<object> Open(object input) => Run(() =>
    {
        var a = Args(input);
        var secure = Bool(a, "secure");
        var id = new LdapDirectoryIdentifier(Str(a, "host"), Int(a, "port", secure ? 636 : 389), false, false);
        var c = new LdapConnection(id) { AuthType = AuthType.Negotiate, AutoBind = false };
        c.Timeout = TimeSpan.FromMilliseconds(Int(a, "timeoutMs", 120_000));
        var o = c.SessionOptions;
        o.ProtocolVersion = 3;
        o.ReferralChasing = ReferralChasingOptions.None;
        if (secure) o.SecureSocketLayer = true;
        else if (OperatingSystem.IsWindows())
        {
            // Integrity and confidentiality of the SASL (GSSAPI) layer: what AD's "LDAP signing required" asks for.
            o.Signing = true;
            o.Sealing = true;
        }
        else
        {
            // OpenLDAP (S.DS.P on Linux) has no LDAP_OPT_SIGN/ENCRYPT: ask the GSSAPI layer for integrity + confidentiality
            // with the SASL security properties (minssf=56 refuses a bind that would not seal).
            SetSaslSecProps(c, Environment.GetEnvironmentVariable("GWB_SASL_SECPROPS") ?? "minssf=56");
        }
        try { c.Bind(); }
        catch { c.Dispose(); throw; }
        var h = Interlocked.Increment(ref nextHandle);
        Connections[h] = c;
        return new Dictionary<string, object?> { ["handle"] = h };
    });

    [System.Runtime.InteropServices.DllImport("libldap-2.5.so.0", EntryPoint = "ldap_set_option")]
    static extern int ldap_set_option_string(IntPtr ld, int option, string value);
    const int LDAP_OPT_X_SASL_SECPROPS = 0x6106;

    static void SetSaslSecProps(LdapConnection c, string props)
    {
        // The native LDAP* handle: S.DS.P keeps it in a private field (_ldapHandle, a SafeHandle).
        var f = typeof(LdapConnection).GetField("_ldapHandle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        if (f?.GetValue(c) is not System.Runtime.InteropServices.SafeHandle h) return;
        var rc = ldap_set_option_string(h.DangerousGetHandle(), LDAP_OPT_X_SASL_SECPROPS, props);
        if (rc != 0) throw new LdapException(rc, "Cannot set the SASL security properties " + props);
    }

    public Task<object> Close(object input) => Task.Run(() =>
    {
        if (Connections.TryRemove(Int(Args(input), "handle", -1), out var c)) c.Dispose();
        return (object)new Dictionary<string, object?>();
    });

    /// { handle, base, scope, filter, attributes[], pageSize?, cookie? } → { entries: [{ dn, attributes: { name: [byte[]] } }], cookie? }
    public Task<object> Search(object input) => Run(() =>
    {
        var a = Args(input);
        var c = Conn(a);
        var scope = Str(a, "scope") switch { "base" => SearchScope.Base, "one" => SearchScope.OneLevel, _ => SearchScope.Subtree };
        var attrs = Strings(a.TryGetValue("attributes", out var at) ? at : null);
        var req = new SearchRequest(Str(a, "base"), Str(a, "filter"), scope, attrs.Length == 0 ? null : attrs);
        var pageSize = Int(a, "pageSize", 0);
        if (pageSize > 0)
        {
            var prc = new PageResultRequestControl(pageSize);
            if (a.TryGetValue("cookie", out var ck) && ck is byte[] cookie && cookie.Length > 0) prc.Cookie = cookie;
            req.Controls.Add(prc);
        }
        var res = (SearchResponse)Send(c, req, a);
        var entries = new List<object>(res.Entries.Count);
        foreach (SearchResultEntry e in res.Entries)
        {
            var map = new Dictionary<string, object?>();
            foreach (string name in e.Attributes.AttributeNames)
                map[name] = e.Attributes[name].GetValues(typeof(byte[]));
            entries.Add(new Dictionary<string, object?> { ["dn"] = e.DistinguishedName, ["attributes"] = map });
        }
        var outp = new Dictionary<string, object?> { ["entries"] = entries.ToArray() };
        foreach (var ctl in res.Controls)
            if (ctl is PageResultResponseControl p && p.Cookie is { Length: > 0 }) outp["cookie"] = p.Cookie;
        return outp;
    });

    /// { handle, dn, attributes: { name: [string] } }
    public Task<object> Add(object input) => Run(() =>
    {
        var a = Args(input);
        var c = Conn(a);
        var req = new AddRequest(Str(a, "dn"));
        foreach (var kv in (IDictionary<string, object?>)a["attributes"]!)
            req.Attributes.Add(new DirectoryAttribute(kv.Key, Strings(kv.Value).Cast<object>().ToArray()));
        Send(c, req, a);
        return new Dictionary<string, object?>();
    });

    /// { handle, dn, changes: [{ operation: add|delete|replace, type, values: [string] }], permissive }
    public Task<object> Modify(object input) => Run(() =>
    {
        var a = Args(input);
        var c = Conn(a);
        var req = new ModifyRequest { DistinguishedName = Str(a, "dn") };
        foreach (var o in (object[])a["changes"]!)
        {
            var ch = (IDictionary<string, object?>)o;
            var op = Str(ch, "operation") switch { "add" => DirectoryAttributeOperation.Add, "delete" => DirectoryAttributeOperation.Delete, _ => DirectoryAttributeOperation.Replace };
            var mod = new DirectoryAttributeModification { Name = Str(ch, "type"), Operation = op };
            foreach (var v in Strings(ch.TryGetValue("values", out var vs) ? vs : null)) mod.Add(v);
            req.Modifications.Add(mod);
        }
        if (Bool(a, "permissive")) req.Controls.Add(new DirectoryControl(PermissiveModifyOid, null, false, true));
        Send(c, req, a);
        return new Dictionary<string, object?>();
    });

    /// { handle, dn, newRdn, newParent }
    public Task<object> ModifyDn(object input) => Run(() =>
    {
        var a = Args(input);
        Send(Conn(a), new ModifyDNRequest(Str(a, "dn"), Str(a, "newParent"), Str(a, "newRdn")) { DeleteOldRdn = true }, a);
        return new Dictionary<string, object?>();
    });

    /// { handle, dn }
    public Task<object> Delete(object input) => Run(() =>
    {
        var a = Args(input);
        Send(Conn(a), new DeleteRequest(Str(a, "dn")), a);
        return new Dictionary<string, object?>();
    });

    /// { } → { runtime, os }: proves the library loads (used by the driver check).
    public Task<object> Hello(object input) => Task.FromResult<object>(new Dictionary<string, object?> {
        ["runtime"] = Environment.Version.ToString(), ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription });
}
