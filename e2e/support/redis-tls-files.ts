import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from './redis-process.ts';

// A CA of a test's own and what it signed: a server certificate for 127.0.0.1 and a client certificate.
export interface TlsFiles { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string }

// Makes a CA named `name` in `dir` with openssl, and server and client certificates signed by it (files in `dir`,
// prefixed with `name`). The server's carries IP:127.0.0.1, the address every test server binds.
export function makeTlsFiles(dir: string, name: string): TlsFiles {
  const f = (file: string) => join(dir, `${name}-${file}`);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', `/CN=${name} test CA`], dir);
  const sign = (who: string, subject: string, ext: string) => {
    writeFileSync(f(`${who}.ext`), ext);
    openssl(['req', ...ec, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', subject], dir);
    openssl(['x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-out', f(`${who}.pem`), '-days', '1', '-extfile', f(`${who}.ext`)], dir);
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=capstan', 'extendedKeyUsage=clientAuth\n');
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}
