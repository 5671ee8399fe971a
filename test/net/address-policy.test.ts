import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, describeVerdict } from '../../src/net/address-policy.ts';
import { formatIp, parseIp } from '../../src/net/ip-literal.ts';

// [literal as an attacker may write it, canonical address, range name it must be refused as]
const REFUSED: Array<[string, string, string]> = [
  // loopback, in every IPv4 form inet_aton and URL parsers accept
  ['127.0.0.1', '127.0.0.1', 'loopback'],
  ['127.1', '127.0.0.1', 'loopback'],
  ['127.0.1', '127.0.0.1', 'loopback'],
  ['0x7f.1', '127.0.0.1', 'loopback'],
  ['0x7F000001', '127.0.0.1', 'loopback'],
  ['2130706433', '127.0.0.1', 'loopback'],
  ['017700000001', '127.0.0.1', 'loopback'],
  ['0177.0.0.1', '127.0.0.1', 'loopback'],
  ['0177.0x0.00.1', '127.0.0.1', 'loopback'],
  ['127.0.0.1.', '127.0.0.1', 'loopback'],
  ['127.255.255.254', '127.255.255.254', 'loopback'],
  ['::1', '::1', 'loopback'],
  ['[::1]', '::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', '::1', 'loopback'],
  ['[0000::0001]', '::1', 'loopback'],
  // IPv4 carried in IPv6
  ['::ffff:127.0.0.1', '::ffff:7f00:1', 'loopback'],
  ['[::ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
  ['::ffff:7f00:1', '::ffff:7f00:1', 'loopback'],
  ['::FFFF:169.254.169.254', '::ffff:a9fe:a9fe', 'link-local'],
  ['::ffff:0:10.0.0.1', '::ffff:0:a00:1', 'private'],
  ['64:ff9b::169.254.169.254', '64:ff9b::a9fe:a9fe', 'link-local'],
  ['64:ff9b::a00:1', '64:ff9b::a00:1', 'private'],
  ['2002:7f00:1::', '2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', '2002:c0a8:101::1', 'private'],
  // unspecified and "this network"
  ['0.0.0.0', '0.0.0.0', 'unspecified'],
  ['0', '0.0.0.0', 'unspecified'],
  ['0x0', '0.0.0.0', 'unspecified'],
  ['0.1.2.3', '0.1.2.3', '"this network"'],
  ['::', '::', 'unspecified'],
  ['[::]', '::', 'unspecified'],
  // link-local: the cloud metadata address first of all
  ['169.254.169.254', '169.254.169.254', 'link-local'],
  ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254', 'link-local'],
  ['0xa9fea9fe', '169.254.169.254', 'link-local'],
  ['2852039166', '169.254.169.254', 'link-local'],
  ['0251.0376.0251.0376', '169.254.169.254', 'link-local'],
  ['169.254.43518', '169.254.169.254', 'link-local'],
  ['fe80::1', 'fe80::1', 'link-local'],
  ['fe80::1%eth0', 'fe80::1', 'link-local'],
  ['[fe80::a9fe:a9fe%25eth0]', 'fe80::a9fe:a9fe', 'link-local'],
  ['febf:ffff::', 'febf:ffff::', 'link-local'],
  // private, CGNAT, ULA
  ['10.0.0.1', '10.0.0.1', 'private'],
  ['10.255.255.255', '10.255.255.255', 'private'],
  ['012.1', '10.0.0.1', 'private'],
  ['167772161', '10.0.0.1', 'private'],
  ['172.16.0.1', '172.16.0.1', 'private'],
  ['172.31.255.255', '172.31.255.255', 'private'],
  ['192.168.1.1', '192.168.1.1', 'private'],
  ['0xc0a80101', '192.168.1.1', 'private'],
  ['100.64.0.1', '100.64.0.1', 'carrier-grade NAT (shared address space)'],
  ['100.127.255.255', '100.127.255.255', 'carrier-grade NAT (shared address space)'],
  ['fc00::1', 'fc00::1', 'unique local (private)'],
  ['fd12:3456:789a::1', 'fd12:3456:789a::1', 'unique local (private)'],
  // multicast, broadcast, reserved and other special purposes
  ['224.0.0.1', '224.0.0.1', 'multicast'],
  ['239.255.255.250', '239.255.255.250', 'multicast'],
  ['255.255.255.255', '255.255.255.255', 'broadcast'],
  ['4294967295', '255.255.255.255', 'broadcast'],
  ['240.0.0.1', '240.0.0.1', 'reserved'],
  ['ff02::1', 'ff02::1', 'multicast'],
  ['192.0.0.170', '192.0.0.170', 'IETF protocol assignments'],
  ['192.0.2.1', '192.0.2.1', 'documentation'],
  ['198.51.100.7', '198.51.100.7', 'documentation'],
  ['203.0.113.9', '203.0.113.9', 'documentation'],
  ['198.18.0.1', '198.18.0.1', 'benchmarking'],
  ['198.19.255.255', '198.19.255.255', 'benchmarking'],
  ['192.88.99.1', '192.88.99.1', '6to4 relay anycast'],
  ['::127.0.0.1', '::7f00:1', 'IPv4-compatible (deprecated)'],
  ['::8.8.8.8', '::808:808', 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::a', '64:ff9b:1::a', 'local-use NAT64'],
  ['100::1', '100::1', 'discard-only'],
  ['2001::1', '2001::1', 'Teredo'],
  ['2001:db8::1', '2001:db8::1', 'documentation'],
  ['2001:2::1', '2001:2::1', 'benchmarking'],
  ['2001:10::1', '2001:10::1', 'ORCHID'],
  ['3fff::1', '3fff::1', 'documentation'],
  ['fec0::1', 'fec0::1', 'site-local (deprecated)'],
  ['4000::1', '4000::1', 'reserved (not global unicast)'],
  ['5f00::1', '5f00::1', 'reserved (not global unicast)'],
];

// Public unicast addresses, and lookalikes of refused ranges just outside them.
const ALLOWED: Array<[string, string]> = [
  ['8.8.8.8', '8.8.8.8'],
  ['1.1.1.1', '1.1.1.1'],
  ['134744072', '8.8.8.8'],
  ['0x08.0x08.0x08.0x08', '8.8.8.8'],
  ['172.15.255.255', '172.15.255.255'],
  ['172.32.0.0', '172.32.0.0'],
  ['100.63.255.255', '100.63.255.255'],
  ['100.128.0.0', '100.128.0.0'],
  ['169.253.255.255', '169.253.255.255'],
  ['192.169.0.1', '192.169.0.1'],
  ['11.0.0.1', '11.0.0.1'],
  ['126.255.255.255', '126.255.255.255'],
  ['128.0.0.1', '128.0.0.1'],
  ['223.255.255.255', '223.255.255.255'],
  ['2606:4700:4700::1111', '2606:4700:4700::1111'],
  ['[2a00:1450:4001:80b::200e]', '2a00:1450:4001:80b::200e'],
  ['::ffff:8.8.8.8', '::ffff:808:808'],
  ['64:ff9b::8.8.8.8', '64:ff9b::808:808'],
  ['2002:808:808::1', '2002:808:808::1'],
  ['2001:db9::1', '2001:db9::1'],
];

describe('checkAddress refuses every address that is not public, in every literal form', () => {
  for (const [literal, address, range] of REFUSED) {
    it(`${literal} is ${range}`, () => {
      const verdict = checkAddress(literal);
      assert.equal(verdict.allowed, false);
      assert.equal(verdict.address, address);
      assert.ok(!verdict.allowed && verdict.range === range, `${literal}: ${describeVerdict(verdict)}`);
    });
  }
  for (const [literal, address] of ALLOWED) {
    it(`${literal} is allowed`, () => assert.deepEqual(checkAddress(literal), { allowed: true, address }));
  }
  it('refuses text that is not an IP address, so a name can never pass unresolved', () => {
    for (const text of ['localhost', 'example.com', '', '1.2.3.4.5', '256.0.0.1', '1.2.3.256', '08.1.1.1', '0x1g', '1..2',
      '::1::', '1:2:3:4:5:6:7:8:9', '12345::', ':1', '1.2.3.4::', '::ffff:127.0.0.01.1', '[::1', '99999999999999999999']) {
      const verdict = checkAddress(text);
      assert.ok(!verdict.allowed && verdict.range === 'not an IP address', `${text}: ${JSON.stringify(verdict)}`);
    }
  });
  it('names the range, its CIDR and how an IPv4 address was carried', () => {
    assert.equal(describeVerdict(checkAddress('169.254.169.254')), '169.254.169.254 is link-local (169.254.0.0/16)');
    assert.equal(describeVerdict(checkAddress('0x7f.1'), '0x7f.1'), '127.0.0.1 (the address of 0x7f.1) is loopback (127.0.0.0/8)');
    assert.equal(describeVerdict(checkAddress('::ffff:10.1.2.3')),
      '::ffff:a01:203 is private (10.0.0.0/8, as an IPv4-mapped IPv6 address)');
  });
});

describe('formatIp', () => {
  it('writes IPv6 as RFC 5952 does: lower case, the longest zero run shortened, a single zero group kept', () => {
    for (const [text, canonical] of [['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['0:0:0:0:0:0:0:0', '::'], ['1::', '1::'], ['fe80:0000::0001', 'fe80::1']]) {
      const ip = parseIp(text as string);
      assert.ok(ip, text);
      assert.equal(formatIp(ip), canonical);
    }
  });
});
