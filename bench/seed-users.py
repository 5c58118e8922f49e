#!/usr/bin/python3
"""
Offline bulk seeding of lab users into a STOPPED Samba AD DC directory (run by bench/seed-offline.ts).

  seed-users.py <dc dir> <count> [--prefix user] [--start 1] [--chunk 25000] [--ou DN] [--method clone|modules]

--method clone (default, ≈0.4 ms CPU a user + Samba's re-index): see seed_clone() — the first user through Samba's
module stack, a RID block claimed from the RID Manager, the others copies of it with their own names, objectGUID,
objectSid, USNs and replication metadata, then Samba rebuilds every index.
--method modules (≈2.5 ms a user): every user through Samba's full module stack (samldb allocates the objectSid
from the DC's RID pool, repl_meta_data writes replPropertyMetaData and USNs, descriptor the security descriptor),
exactly as an LDAP add would, but many adds share one ldb transaction and the key-value layer gets a transaction
index cache sized for the run (`transaction_index_cache_size`, as `samba-tool domain join` does with batch_mode).
Without that option each add in a long transaction walks hash chains of Samba's default 89-bucket in-memory index
cache, which is why large transactions were no faster than LDAP adds (≈8–10 ms CPU per user).

The user attributes are those test/lab/seed.ts generateUserSpecs() makes (sAMAccountName, UPN, givenName, sn,
displayName, mail; CN = displayName), so the lab's read-back (readAdUsers) and the emulator's synced users match.
Finally the users' AD records (DN, sAMAccountName, UPN, objectGUID, objectSid) as the seeded database holds them
go to <dc dir>/ad-users.ndjson (test/lab/user-records.ts): a lab cloned from the snapshot takes them from there
after checking a sample over LDAP, instead of reading every user back.
"""
import argparse
import base64
import json
import os
import struct
import sys
import time

sys.path.insert(0, '/usr/lib/python3/dist-packages')
import ldb  # noqa: E402
import tdb  # noqa: E402
from samba.auth import system_session  # noqa: E402
from samba.param import LoadParm  # noqa: E402
from samba.samdb import SamDB  # noqa: E402
from samba.dcerpc import drsblobs, security  # noqa: E402
from samba.ndr import ndr_unpack  # noqa: E402

GIVEN = ['Ada', 'Ben', 'Chloe', 'Dan', 'Eva', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jon', 'Kim', 'Leo', 'Mia', 'Nils', 'Olga', 'Per']
SUR = ['Adams', 'Berg', 'Costa', 'Dahl', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Khan', 'Lund', 'Meyer', 'Novak']


def specs(n, prefix, start, domain):
    """The same users as generateUserSpecs() in test/lab/seed.ts."""
    width = max(5, len(str(start + n - 1)))
    for i in range(n):
        k = start + i
        sam = prefix + str(k).rjust(width, '0')
        given = GIVEN[k % len(GIVEN)]
        sur = SUR[(k // len(GIVEN)) % len(SUR)]
        yield sam, given, sur, '%s %s (%s)' % (given, sur, sam), '%s@%s' % (sam, domain)


def rdn_escape(v):
    out = ''
    for i, ch in enumerate(v):
        if ch in ',+"\\<>;=' or (i == 0 and ch in ' #') or (i == len(v) - 1 and ch == ' '):
            out += '\\' + ch
        else:
            out += ch
    return out


def user_msg(sam, given, sur, display, upn, ou):
    return {
        'dn': 'CN=%s,%s' % (rdn_escape(display), ou),
        'objectClass': ['top', 'person', 'organizationalPerson', 'user'],
        'sAMAccountName': sam, 'userPrincipalName': upn, 'givenName': given, 'sn': sur,
        'displayName': display, 'mail': upn,
    }


def open_samdb(a, lp, cache, batch=True):
    return SamDB(url=a.dir + '/private/sam.ldb', session_info=system_session(), lp=lp,
                 options=['transaction_index_cache_size:%d' % cache] + (['batch_mode:1'] if batch else []) + [
                          # Room for a large seed (a sparse map; the file grows only as far as it is written).
                          'lmdb_env_size:%d' % (32 << 30)])


def progress(done, total, t0, c0, what=''):
    cpu = time.process_time() - c0
    print('seeded %d/%d users%s: %.0f s wall, %.0f s CPU (%.2f ms CPU/user)' % (done, total, what, time.time() - t0, cpu, cpu * 1000 / max(1, done)), flush=True)


def seed_modules(a, lp, ou, domain):
    """Every user through Samba's module stack, many adds per transaction."""
    db = open_samdb(a, lp, 1000003 if a.chunk > 20000 else 200003)
    t0, c0, done = time.time(), time.process_time(), 0
    it = specs(a.count, a.prefix, a.start, domain)
    while done < a.count:
        db.transaction_start()
        try:
            for _ in range(min(a.chunk, a.count - done)):
                db.add(user_msg(*next(it), ou))
                done += 1
        except Exception:
            db.transaction_cancel()
            raise
        db.transaction_commit()
        progress(done, a.count, t0, c0)


# replPropertyMetaDataBlob (version 1): u32 version, u32 reserved, u32 count, u32 reserved, then per attribute
# u32 attid, u32 version, NTTIME originating_change_time, GUID originating_invocation_id, hyper originating_usn,
# hyper local_usn (48 bytes).
RPMD_HEADER, RPMD_ENTRY, RPMD_OUSN, RPMD_LUSN = 16, 48, 32, 40


def seed_clone(a, lp, ou, domain):
    """
    The first user through Samba's module stack (the template: objectSid from the DC's RID pool, replication
    metadata, security descriptor, every default attribute Samba sets), then a block of RIDs claimed from the RID
    Manager's available pool (as a DC does when it takes a new RID pool), and every further user written as a copy
    of the template into the domain partition's key-value store with its own name attributes, objectGUID,
    objectSid (next RID of the claimed block), USN and replication metadata carrying that USN; the partition's
    highest USN is moved past them. Samba then rebuilds every index of the database (dbcheck's re-index), so the
    index keys are Samba's own.
    """
    t0, c0 = time.time(), time.process_time()
    it = specs(a.count, a.prefix, a.start, domain)
    db = open_samdb(a, lp, 200003)
    first = user_msg(*next(it), ou)
    db.add(first)
    base = db.domain_dn()
    rid_manager = 'CN=RID Manager$,CN=System,%s' % base
    pool = int(db.search(base=rid_manager, scope=ldb.SCOPE_BASE, attrs=['rIDAvailablePool'])[0]['rIDAvailablePool'][0])
    low, high = pool & 0xFFFFFFFF, pool >> 32
    n = a.count - 1
    if low + n > high:
        raise SystemExit('RID pool exhausted: %d RIDs left, %d needed' % (high - low, n))
    m = ldb.Message()
    m.dn = ldb.Dn(db, rid_manager)
    m['rIDAvailablePool'] = ldb.MessageElement(str((high << 32) | (low + n)), ldb.FLAG_MOD_REPLACE, 'rIDAvailablePool')
    db.modify(m)
    part_file = None
    for row in db.search(base='@PARTITION', scope=ldb.SCOPE_BASE, attrs=['partition'])[0]['partition']:
        dn, path = str(row).split(':', 1)
        if dn.lower() == str(base).lower():
            part_file = os.path.join(a.dir, 'private', path)
    del db
    if part_file is None:
        raise SystemExit('no partition file for %s' % base)

    raw = ldb.Ldb('mdb://' + part_file, options=['modules:', 'transaction_index_cache_size:1000003', 'batch_mode:1',
                                                 'lmdb_env_size:%d' % (32 << 30)])
    tpl = raw.search(base=first['dn'], scope=ldb.SCOPE_BASE)[0]
    usn_tpl = int(tpl['uSNCreated'][0])
    rpmd = bytes(tpl['replPropertyMetaData'][0])
    meta = ndr_unpack(drsblobs.replPropertyMetaDataBlob, rpmd)
    count = meta.ctr.count
    for i, e in enumerate(meta.ctr.array):  # the offsets below are this blob's layout: check them once
        off = RPMD_HEADER + i * RPMD_ENTRY
        if struct.unpack_from('<I', rpmd, off)[0] != e.attid or struct.unpack_from('<qq', rpmd, off + RPMD_OUSN) != (e.originating_usn, e.local_usn):
            raise SystemExit('unexpected replPropertyMetaData layout')
        if e.local_usn != usn_tpl:
            raise SystemExit('template metadata USN %d != uSNCreated %d' % (e.local_usn, usn_tpl))
    sid_prefix = bytes(tpl['objectSid'][0])[:-4]
    varying = {'cn', 'name', 'sAMAccountName', 'userPrincipalName', 'givenName', 'sn', 'displayName', 'mail',
               'objectGUID', 'objectSid', 'uSNCreated', 'uSNChanged', 'replPropertyMetaData', 'distinguishedName'}
    fixed = {k: [bytes(v) for v in tpl[k]] for k in tpl.keys() if k != 'dn' and k not in varying}
    # Samba's USN counter is the partition module's SEQ_NUM in sam.ldb.d/metadata.tdb (@REPLCHANGED's
    # uSNHighest is the partition's highest USN for replication): the copies take the next USNs, both move past them.
    meta_db = tdb.Tdb(os.path.join(a.dir, 'private', 'sam.ldb.d', 'metadata.tdb'), 0, tdb.DEFAULT, os.O_RDWR)
    usn = max(int(meta_db.get(b'SEQ_NUM')), int(raw.search(base='@REPLCHANGED', scope=ldb.SCOPE_BASE)[0]['uSNHighest'][0]))
    rid = low
    done = 1
    progress(done, a.count, t0, c0, ' (template through the module stack, %d RIDs claimed from %d)' % (n, low))
    buf = bytearray(rpmd)
    # objectGUIDs: a random version-4 GUID per run whose last 6 bytes count up. Samba keeps every index list
    # (objectClass=user, the OU's one-level index, …) as a SORTED array of GUIDs and inserts with memmove, so random
    # GUIDs make each add O(users) and the seed quadratic (50,000-user chunks took 27, 44, 67, 88 s CPU…); GUIDs
    # in ascending byte order append at the end. They are still unique, well-formed version-4 GUIDs.
    guid_prefix = bytearray(os.urandom(10))
    guid_prefix[7] = (guid_prefix[7] & 0x0F) | 0x40
    guid_prefix[8] = (guid_prefix[8] & 0x3F) | 0x80
    guid_prefix = bytes(guid_prefix)
    while done < a.count:
        raw.transaction_start()
        try:
            for _ in range(min(a.chunk, a.count - done)):
                sam, given, sur, display, upn = next(it)
                usn += 1
                for i in range(count):
                    struct.pack_into('<qq', buf, RPMD_HEADER + i * RPMD_ENTRY + RPMD_OUSN, usn, usn)
                msg = dict(fixed)
                msg.update({
                    'dn': 'CN=%s,%s' % (rdn_escape(display), ou),
                    'cn': display, 'name': display, 'sAMAccountName': sam, 'userPrincipalName': upn,
                    'givenName': given, 'sn': sur, 'displayName': display, 'mail': upn,
                    'objectGUID': guid_prefix + done.to_bytes(6, 'big'), 'objectSid': sid_prefix + struct.pack('<I', rid),
                    'uSNCreated': str(usn), 'uSNChanged': str(usn), 'replPropertyMetaData': bytes(buf),
                })
                raw.add(msg)
                rid += 1
                done += 1
            r = ldb.Message()
            r.dn = ldb.Dn(raw, '@REPLCHANGED')
            r['uSNHighest'] = ldb.MessageElement(str(usn), ldb.FLAG_MOD_REPLACE, 'uSNHighest')
            raw.modify(r)
        except Exception:
            raw.transaction_cancel()
            raise
        raw.transaction_commit()
        meta_db.transaction_start()
        meta_db.store(b'SEQ_NUM', str(usn).encode(), tdb.REPLACE)
        meta_db.transaction_commit()
        progress(done, a.count, t0, c0, ' (copies)')
    meta_db.close()
    del raw

    # Samba's own index keys for everything written above (what `samba-tool dbcheck --reindex` does).
    # (Not in batch mode: Samba's re-index fails there.)
    db = open_samdb(a, lp, 1000003, batch=False)
    m = ldb.Message()
    m.dn = ldb.Dn(db, '@ATTRIBUTES')
    m['add'] = ldb.MessageElement('NONE', ldb.FLAG_MOD_ADD, 'force_reindex')
    m['delete'] = ldb.MessageElement('NONE', ldb.FLAG_MOD_DELETE, 'force_reindex')
    db.modify(m)
    progress(done, a.count, t0, c0, ' (re-indexed)')


RECORDS_FILE = 'ad-users.ndjson'  # test/lab/user-records.ts USER_RECORDS_FILE


def write_records(a, lp, ou):
    """The seeded users' AD records, read from the database, in the format of test/lab/user-records.ts."""
    t0, c0 = time.time(), time.process_time()
    db = open_samdb(a, lp, 200003, batch=False)
    rows = []
    for msg in db.search_iterator(base=ou, scope=ldb.SCOPE_SUBTREE, expression='(&(objectCategory=person)(objectClass=user))',
                                  attrs=['sAMAccountName', 'userPrincipalName', 'objectGUID', 'objectSid']):
        rows.append(json.dumps([
            str(msg.dn), str(msg['sAMAccountName'][0]),
            str(msg['userPrincipalName'][0]) if 'userPrincipalName' in msg else '',
            base64.b64encode(bytes(msg['objectGUID'][0])).decode(),
            str(ndr_unpack(security.dom_sid, bytes(msg['objectSid'][0]))),
        ], ensure_ascii=False))
    del db
    path = os.path.join(a.dir, RECORDS_FILE)
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        f.write(json.dumps({'format': 'gwb-lab-ad-users', 'version': 1, 'count': len(rows)}) + '\n')
        for r in rows:
            f.write(r + '\n')
    os.rename(path + '.tmp', path)
    print('wrote the AD records of %d users to %s: %.0f s wall, %.0f s CPU' % (len(rows), RECORDS_FILE, time.time() - t0, time.process_time() - c0), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dir')
    p.add_argument('count', type=int)
    p.add_argument('--prefix', default='user')
    p.add_argument('--start', type=int, default=1)
    p.add_argument('--chunk', type=int, default=25000)
    p.add_argument('--ou', default=None, help='parent DN (the lab\'s usersOu; default CN=Users,<domain>)')
    p.add_argument('--method', choices=['clone', 'modules'], default='clone')
    a = p.parse_args()

    lp = LoadParm()
    lp.load(a.dir + '/etc/smb.conf')
    domain = lp.get('realm').lower()
    ou = a.ou or 'CN=Users,' + ','.join('DC=' + x for x in domain.split('.'))
    c0 = time.process_time()
    (seed_clone if a.method == 'clone' else seed_modules)(a, lp, ou, domain)
    write_records(a, lp, ou)
    # bench/seed-offline.ts reads the CPU seconds from the last line.
    print('seeded %d users, records file included: %.0f s CPU' % (a.count, time.process_time() - c0), flush=True)


if __name__ == '__main__':
    main()
