/**
 * The two variants of `#platform` (src/platform/): the browser one gives the same answers as the Node one (which
 * uses node:crypto, Buffer and `@prefactor/pfid` itself), for any input; and both have the same shape.
 */
import { createHash } from 'node:crypto';
import { BlockList as NetBlockList } from 'node:net';
import { STATUS_CODES as NODE_STATUS_CODES } from 'node:http';
import { readFileSync } from 'node:fs';
import { decode, encode, extractPartition, generateWithTimestamp, isPfid } from '@prefactor/pfid';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as browser from '../src/platform/browser.js';
import * as node from '../src/platform/node.js';
import { encodePfid, partitionOf, pfidBinary, toBase64Url, toHex } from '../src/platform/portable.js';
import { STATUS_CODES } from '../src/core/status.js';

// Type-level: each variant can stand for the other (checked by `npm run typecheck`).
const asNode: typeof node = browser;
const asBrowser: typeof browser = node;

const hash = (algorithm: string, s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');
/** Any string, lone surrogates included (both sides encode them as U+FFFD), lengths across MD5/SHA-256 block edges. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ minLength: 50, maxLength: 140 }));

describe('the platform variants', () => {
  it('export the same names', () => {
    expect(Object.keys(asBrowser).sort()).toEqual(Object.keys(asNode).sort());
  });

  it('hash like node:crypto: MD5 and SHA-256 of any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(browser.md5Hex(s)).toBe(hash('md5', s));
        expect(browser.sha256Hex(s)).toBe(hash('sha256', s));
        expect(node.md5Hex(s)).toBe(hash('md5', s));
      }),
      { numRuns: 500 },
    );
    // RFC 1321's and FIPS 180-4's own examples, and a long input (several blocks).
    expect(browser.md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(browser.md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(browser.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const long = 'x'.repeat(100_000);
    expect([browser.md5Hex(long), browser.sha256Hex(long)]).toEqual([hash('md5', long), hash('sha256', long)]);
  });

  it('encode bytes like Buffer (hex, base64url) and decode UTF-8 like Buffer, BOM and bad sequences included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), (chunks) => {
        const all = Buffer.concat(chunks);
        expect(toHex(all)).toBe(all.toString('hex'));
        expect(toBase64Url(all)).toBe(all.toString('base64url'));
        expect(browser.utf8Text(chunks, all.length)).toBe(node.utf8Text(chunks, all.length));
      }),
      { numRuns: 500 },
    );
    const bom = [new Uint8Array([0xef, 0xbb, 0xbf, 0x41])];
    expect(browser.utf8Text(bom, 4)).toBe('\ufeffA');
  });

  it('count UTF-8 bytes like Buffer.byteLength, lone surrogates included', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(browser.byteLength(s)).toBe(Buffer.byteLength(s));
        expect(node.byteLength(s)).toBe(Buffer.byteLength(s));
      }),
      { numRuns: 500 },
    );
  });

  it('compare text like ===', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(browser.sameText(a, b)).toBe(a === b);
        expect(node.sameText(a, b)).toBe(a === b);
        expect(browser.sameText(a, a)).toBe(true);
      }),
    );
  });

  it('draw random hex and base64url of the asked length', () => {
    for (const p of [browser, node]) {
      expect(p.randomHex(64)).toMatch(/^[0-9a-f]{64}$/);
      expect(p.randomHex(7)).toMatch(/^[0-9a-f]{7}$/);
      expect(p.randomBase64Url(24)).toMatch(/^[\w-]{32}$/);
      expect(p.randomBytes(2000)).toHaveLength(2000);
      expect(new Set(Array.from({ length: 1000 }, () => p.randomHex(32))).size).toBe(1000);
    }
  });
});

describe("IP subnets in the browser variant (node:net's BlockList, as the access lists use it)", () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  /** IPv6 in the forms written by people and by the URL parser: full, compressed, upper case, IPv4-mapped, dotted tail. */
  const v6 = fc.oneof(
    fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).chain((g) =>
      fc.constantFrom(
        g.map((x) => x.toString(16)).join(':'),
        g.map((x) => x.toString(16).padStart(4, '0').toUpperCase()).join(':'),
        new URL(`http://[${g.map((x) => x.toString(16)).join(':')}]/`).hostname.slice(1, -1),
      ),
    ),
    fc.array(fc.constantFrom('0', '0', '0', '1', 'ffff'), { minLength: 8, maxLength: 8 }).map((g) => new URL(`http://[${g.join(':')}]/`).hostname.slice(1, -1)),
    v4.map((a) => `::ffff:${a}`),
    v4.map((a) => new URL(`http://[::ffff:${a}]/`).hostname.slice(1, -1)),
    v4.map((a) => `64:ff9b::${a}`),
  );
  const address = fc.oneof(
    v4.map((a) => ({ a, f: 'ipv4' as const })),
    v6.map((a) => ({ a, f: 'ipv6' as const })),
    // Not addresses (or not of the family given): both lists leave them out.
    fc
      .constantFrom('1.2.3.04', '1.2.3', '256.1.1.1', ' 1.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', ':1::', '1.2.3.4::', 'fe80::1%eth0', 'x')
      .chain((a) => fc.constantFrom({ a, f: 'ipv4' as const }, { a, f: 'ipv6' as const })),
    fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => ({ a: b.map((x) => String(x).padStart(3, '0')).join('.'), f: 'ipv4' as const })),
    v4.map((a) => ({ a, f: 'ipv6' as const })),
    v6.map((a) => ({ a, f: 'ipv4' as const })),
  );
  const subnet = fc.oneof(
    fc.record({ a: v4, p: fc.nat(32), f: fc.constant('ipv4' as const) }),
    fc.record({ a: v6, p: fc.nat(128), f: fc.constant('ipv6' as const) }),
  );

  it('answers check() like node:net for any subnets and addresses, across families', () => {
    fc.assert(
      fc.property(fc.array(subnet, { maxLength: 4 }), fc.array(address, { minLength: 1, maxLength: 8 }), (subnets, addresses) => {
        const ours = new browser.BlockList();
        const theirs = new NetBlockList();
        for (const s of subnets) {
          ours.addSubnet(s.a, s.p, s.f);
          theirs.addSubnet(s.a, s.p, s.f);
        }
        for (const { a, f } of addresses) expect(ours.check(a, f), `${a} (${f}) in ${JSON.stringify(subnets)}`).toBe(theirs.check(a, f));
      }),
      { numRuns: 2000 },
    );
    // A subnet that matches everything is still only as wide as its family: ::/0 takes IPv4 (as ::ffff:a.b.c.d), 0.0.0.0/0 no IPv6.
    const all6 = new browser.BlockList();
    all6.addSubnet('::', 0, 'ipv6');
    expect(all6.check('10.0.0.1', 'ipv4')).toBe(true);
    const all4 = new browser.BlockList();
    all4.addSubnet('0.0.0.0', 0, 'ipv4');
    expect([all4.check('::1', 'ipv6'), all4.check('::ffff:a00:1', 'ipv6')]).toEqual([false, true]);
  });

  it('refuses a subnet that is not one, like node:net', () => {
    for (const [a, p, f] of [['1.2.3', 8, 'ipv4'], ['1.2.3.4', 33, 'ipv4'], ['::1', 129, 'ipv6'], ['1.2.3.4', -1, 'ipv4'], ['1.2.3.4', 8, 'ipv6']] as const) {
      expect(() => new browser.BlockList().addSubnet(a, p, f)).toThrow();
      expect(() => new NetBlockList().addSubnet(a, p, f)).toThrow();
    }
  });
});

describe('PFIDs in the browser variant', () => {
  it('encodes any 20 bytes exactly as @prefactor/pfid does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 30 - 1 }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        (partition, ts, random) => {
          const binary = pfidBinary(partition, ts, random);
          const id = encodePfid(binary);
          expect(id).toBe(encode(Buffer.from(binary)));
          expect(Buffer.from(decode(id))).toEqual(Buffer.from(binary));
          expect(partitionOf(id)).toBe(partition);
          expect(partitionOf(id)).toBe(extractPartition(id));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('generates ids that @prefactor/pfid reads back: partition, timestamp, format', () => {
    const lib = browser.pfidLibrary();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 - 1 }), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (partition, ts) => {
        const id = lib.generateWithTimestamp(partition, ts);
        expect(isPfid(id)).toBe(true);
        expect(extractPartition(id)).toBe(partition);
        expect(decode(id).readUIntBE(0, 6)).toBe(ts);
        // Same time and partition as the package's own id: the same first 16 characters.
        expect(id.slice(0, 16)).toBe(generateWithTimestamp(partition, ts).slice(0, 16));
      }),
      { numRuns: 300 },
    );
    for (let i = 0; i < 200; i++) expect(lib.generatePartition()).toBeLessThanOrEqual(2 ** 30 - 1);
    expect(() => lib.generateWithTimestamp(2 ** 30, 0)).toThrow(/partition/);
    expect(() => lib.extractPartition('not a pfid')).toThrow(/PFID/);
  });
});

describe('what only Node has, in the browser variant', () => {
  it('embeds the default fixtures and reads no other file', () => {
    const embedded = JSON.parse(browser.readTextFile(browser.DEFAULT_FIXTURES_PATH));
    expect(embedded).toEqual(JSON.parse(readFileSync(node.DEFAULT_FIXTURES_PATH, 'utf8')));
    expect(() => browser.readTextFile('fixtures.json')).toThrow(/a browser has no file system: pass the fixtures as an object/);
    expect(browser.fileExists(browser.DEFAULT_FIXTURES_PATH)).toBe(false);
  });

  it('refuses listen() and persistTo with what to do instead', async () => {
    await expect(browser.startServer(undefined as never)).rejects.toThrow(/needs Node\.js; in a browser serve the emulator through MSW/);
    await expect(browser.loadLowdb()).rejects.toThrow(/persistTo\(\) writes a file, which needs Node\.js/);
    // persistTo stops at loadLowdb; the file operations of its change log refuse as well.
    for (const write of [() => browser.openToAppend('state.json.log'), () => browser.writeToFile(3, 'x'), () => browser.closeFile(3), () => browser.writeTextFile('a', 'x'), () => browser.renameFile('a', 'b')])
      expect(write).toThrow('a browser has no file system: persistTo() needs Node.js');
  });
});

it("the status table is Node 20's http.STATUS_CODES", () => {
  expect({ ...STATUS_CODES }).toEqual({ ...NODE_STATUS_CODES });
});
